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

if (existsSync(fileURLToPath(source)) && (await tsxRegistered())) {
  await import(source.href);
} else if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  process.stderr.write(
    'finetune: neither tsx (to run src/) nor a build (dist/) is here; run `npm install` (it builds) or `npm run build`.\n',
  );
  process.exitCode = 1;
}
