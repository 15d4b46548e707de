/**
 * Conformance proof for the W&B emulator: runs the official Python `wandb` client, unchanged,
 * against an in-process emulator and fails when any of its checks fail.
 *
 *   npx tsx scripts/conformance.ts [--clean-only] [--record <file.json>]   (npm run test:conformance)
 *
 * --record writes the documents and (sanitised) variables of the clean pass, as kept in
 * test/emulators/wandb/fixtures/official-client-operations.json for the schema regression test.
 *
 * Installs the pinned client into .tools/wandb-venv when missing or when the requirements
 * changed (a marker holds the requirements' hash). Needs python3 (CONFORMANCE_PYTHON overrides)
 * and a reachable package index the first time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startWandbEmulator,
  type RunningWandbEmulator,
  type WandbFaults,
} from '../src/emulators/wandb/index.js';
import { projectRoot } from '../src/projectRoot.js';
import { SANDBOX_WANDB_KEY } from '../src/sandbox/stack.js';

const ROOT = projectRoot();
const TOOL_DIR = join(ROOT, 'tools', 'wandb-conformance');
const REQUIREMENTS = join(TOOL_DIR, 'requirements.txt');
const VENV = join(ROOT, '.tools', 'wandb-venv');
const MARKER = join(VENV, '.requirements-sha256');
const VENV_PYTHON = join(VENV, 'bin', 'python');
const RUN_TIMEOUT_MS = 240_000;
const ENTITY = 'conformance';

function run(cmd: string, args: string[]): void {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`,
    );
  }
}

/** Creates or refreshes the venv only when the requirements' hash differs from the marker. */
function ensureVenv(): void {
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  if (
    existsSync(VENV_PYTHON) &&
    existsSync(MARKER) &&
    readFileSync(MARKER, 'utf8').trim() === wanted
  )
    return;
  const python = process.env.CONFORMANCE_PYTHON ?? 'python3';
  console.log(`installing the pinned wandb client into ${VENV} …`);
  rmSync(VENV, { recursive: true, force: true });
  mkdirSync(join(ROOT, '.tools'), { recursive: true });
  run(python, ['-m', 'venv', VENV]);
  run(VENV_PYTHON, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--require-hashes',
    '-r',
    REQUIREMENTS,
  ]);
  writeFileSync(MARKER, `${wanted}\n`);
}

/** Env for the client: emulator URL and key, every W&B dir in a temp dir, no way out but loopback. */
function clientEnv(
  emulator: RunningWandbEmulator,
  apiKey: string,
  home: string,
): NodeJS.ProcessEnv {
  const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    keep.filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  const deadProxy = 'http://127.0.0.1:9';
  return {
    ...env,
    HOME: home,
    NETRC: join(home, '.netrc'),
    WANDB_BASE_URL: emulator.url,
    WANDB_API_KEY: apiKey,
    WANDB_ENTITY: ENTITY,
    WANDB_MODE: 'online',
    WANDB_SILENT: 'true',
    WANDB_DIR: join(home, 'wandb'),
    WANDB_CONFIG_DIR: join(home, 'config'),
    WANDB_CACHE_DIR: join(home, 'cache'),
    WANDB_DATA_DIR: join(home, 'data'),
    WANDB_ARTIFACT_DIR: join(home, 'artifacts'),
    WANDB_ERROR_REPORTING: 'false',
    WANDB_DISABLE_CODE: 'true',
    WANDB_DISABLE_GIT: 'true',
    // Anything that tries to leave the machine hits a closed local port instead.
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    AWS_EC2_METADATA_DISABLED: 'true',
    GCE_METADATA_HOST: '127.0.0.1:9',
    PYTHONUNBUFFERED: '1',
  };
}

function runClient(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(VENV_PYTHON, [join(TOOL_DIR, 'conformance.py')], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => {
      console.error(
        `conformance: the client did not finish within ${RUN_TIMEOUT_MS / 1000}s; stopping it`,
      );
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      console.error(`conformance: could not start ${VENV_PYTHON}: ${err.message}`);
      resolve(1);
    });
  });
}

interface Pass {
  name: string;
  project: string;
  faults?: WandbFaults;
  env?: NodeJS.ProcessEnv;
}

/**
 * The clean pass is the proof; the faulty pass repeats it while the emulator answers some
 * requests 429/503 — before or after handling them — so the client's retries must be idempotent
 * against it. Short retry waits keep that pass quick.
 */
const PASSES: Pass[] = [
  { name: 'clean', project: 'conformance' },
  {
    name: 'with injected faults',
    project: 'conformance-faults',
    faults: { rate429: 0.03, rate5xx: 0.07, rate5xxAfterHandling: 0.07 },
    env: Object.fromEntries(
      ['GRAPHQL', 'FILE_STREAM', 'FILE_TRANSFER'].flatMap((kind) => [
        [`WANDB_X_${kind}_RETRY_WAIT_MIN_SECONDS`, '0.05'],
        [`WANDB_X_${kind}_RETRY_WAIT_MAX_SECONDS`, '0.5'],
      ]),
    ),
  },
];

function printStats(emulator: RunningWandbEmulator): void {
  const stats = emulator.state.stats();
  const ops = Object.entries(stats.graphql).sort(([a], [b]) => a.localeCompare(b));
  console.log(`GraphQL operations the official client sent (${ops.length}):`);
  for (const [name, count] of ops) {
    const errors = stats.graphqlErrors[name];
    console.log(`  ${name} ×${count}${errors ? ` (${errors} answered with errors)` : ''}`);
  }
  console.log(
    `file-stream posts: ${stats.fileStreamPosts}, uploads: ${stats.uploads}, faults injected: ${stats.faultsInjected}`,
  );
}

/** Strings become "x" (paths, hosts, ids) except enum-like values, which input coercion needs. */
function sanitize(value: unknown): unknown {
  if (typeof value === 'string') return /^[A-Z][A-Z0-9_]*$/.test(value) ? value : 'x';
  if (Array.isArray(value)) return value.map(sanitize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitize(v)]));
  }
  return value;
}

/** Writes what the client sent (one document per operation) for the schema regression test. */
function recordOperations(emulator: RunningWandbEmulator, file: string): void {
  const ops = Object.entries(emulator.state.operations()).sort(([a], [b]) => a.localeCompare(b));
  const recorded = Object.fromEntries(
    ops.map(([name, op]) => [name, { query: op.query, variables: sanitize(op.variables) }]),
  );
  writeFileSync(file, `${JSON.stringify(recorded, null, 2)}\n`);
  console.log(`recorded ${ops.length} operations in ${file}`);
}

async function runPass(pass: Pass, recordTo?: string): Promise<number> {
  console.log(`\n=== conformance pass: ${pass.name} ===`);
  // The sandbox's own key: if the official client ever refuses its shape, this run says so.
  const apiKey = SANDBOX_WANDB_KEY;
  const emulator = await startWandbEmulator({
    apiKeys: [apiKey],
    defaultEntity: ENTITY,
    ...(pass.faults ? { faults: pass.faults } : {}),
  });
  const home = mkdtempSync(join(tmpdir(), 'wandb-conformance-home-'));
  try {
    const env = {
      ...clientEnv(emulator, apiKey, home),
      ...pass.env,
      CONFORMANCE_PROJECT: pass.project,
    };
    const code = await runClient(env);
    printStats(emulator);
    if (recordTo && code === 0) recordOperations(emulator, recordTo);
    return code;
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  ensureVenv();
  const passes = process.argv.includes('--clean-only') ? PASSES.slice(0, 1) : PASSES;
  const recordAt = process.argv.indexOf('--record');
  const recordTo = recordAt > 0 ? process.argv[recordAt + 1] : undefined;
  let failed = 0;
  for (const [i, pass] of passes.entries()) {
    if ((await runPass(pass, i === 0 ? recordTo : undefined)) !== 0) failed++;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\nconformance ${failed === 0 ? 'passed' : `FAILED (${failed} pass(es))`} in ${seconds}s`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
