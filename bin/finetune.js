#!/usr/bin/env node
// The `finetune` command. In a source checkout it runs the TypeScript in src/ through tsx, so it
// can never run a stale build; an installed package (no src/) runs the compiled dist/. A checkout
// installed without dev dependencies (no tsx) falls back to dist/ as well.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);

async function tsxRegistered() {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return true;
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return false;
  }
}

/**
 * `finetune worker` needs its heap cap and malloc arenas before V8 and glibc start: when the
 * environment lacks them, the worker runs in a child that has them and this process only mirrors
 * it (src/worker/memory.ts). True when it did.
 */
async function ranWorkerInChild(module) {
  if (process.argv.slice(2).find((a) => !a.startsWith('-')) !== 'worker') return false;
  const { workerMemoryPlan, runInChild } = await import(module.href);
  let plan;
  try {
    plan = workerMemoryPlan(process.env);
  } catch (err) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
    return true;
  }
  if (!plan) return false;
  const end = await runInChild(plan);
  if (end.signal) process.kill(process.pid, end.signal);
  else process.exitCode = end.code ?? 1;
  return true;
}

const fromSource = existsSync(fileURLToPath(source)) && (await tsxRegistered());
if (fromSource || existsSync(fileURLToPath(built))) {
  const here = (name) =>
    new URL(fromSource ? `../src/${name}.ts` : `../dist/${name}.js`, import.meta.url);
  if (!(await ranWorkerInChild(here('worker/memory')))) await import(here('cli/main').href);
} else {
  process.stderr.write(
    'finetune: neither tsx (to run src/) nor a build (dist/) is here; run `npm install` (it builds) or `npm run build`.\n',
  );
  process.exitCode = 1;
}
