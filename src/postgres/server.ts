import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { childLogger } from '../logging.js';
import { freePort } from '../temporal/freePort.js';
import { stopChild } from '../temporal/stopChild.js';
import {
  checkAccountCanEnter,
  checkAccountCanRun,
  giveTo,
  postgresAccount,
  type Account,
} from './account.js';
import { ensurePostgres, initdbBinary, postgresBinary, type LocatedPostgres } from './locator.js';

// SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
const FAST_SHUTDOWN = 'SIGINT';

const log = childLogger('postgres');

export interface PostgresServerOptions {
  /**
   * Where the cluster lives; kept after stop, reused on the next start (the sandbox uses
   * `.sandbox/postgres`). Omitted: a fresh temporary directory, removed on stop.
   */
  dataDir?: string;
  /** 0 or omitted: a free port on 127.0.0.1. */
  port?: number;
  startTimeoutMs?: number;
}

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth on loopback: no password). */
  url: string;
  port: number;
  dataDir: string;
  postgres: LocatedPostgres;
  stop(): Promise<void>;
}

function runInit(binDir: string, dataDir: string, account: Account | undefined): void {
  const r = spawnSync(
    initdbBinary(binDir),
    [
      '-D',
      dataDir,
      '--username=postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ],
    { encoding: 'utf8', ...(account ? { uid: account.uid, gid: account.gid } : {}) },
  );
  if (r.status !== 0) {
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}`;
    throw new Error(`initdb failed for ${dataDir}:\n${output}`);
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** pgvector must be installable here, or every store call would fail later and less clearly. */
async function checkPgvector(url: string, binDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ default_version: string }>(
      "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'",
    );
    if (r.rowCount === 0) {
      throw new Error(`the PostgreSQL in ${binDir} has no pgvector extension (vector.control)`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts a real PostgreSQL (with pgvector available) as a child process on 127.0.0.1, TCP only
 * (no Unix socket: no path-length or socket-directory permissions to care about), and waits
 * until it answers. The binaries are the project's pinned copy (installed on first use) unless
 * FINETUNE_POSTGRES_BIN_DIR names others. Trust authentication: anyone on this machine can
 * connect, so it is for tests and the sandbox, not for data that matters.
 */
export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const located = await ensurePostgres();
  const account = postgresAccount();
  if (account) checkAccountCanRun(located.binDir, account);

  const temporary = options.dataDir === undefined;
  const home = temporary ? mkdtempSync(join(tmpdir(), 'finetune-postgres-')) : undefined;
  const dataDir = options.dataDir ?? join(home ?? '', 'data');
  const cleanUp = (): void => {
    if (home) rmSync(home, { recursive: true, force: true });
  };
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (account && !home) checkAccountCanEnter(dirname(dataDir), account);
      if (account) giveTo(home ?? dataDir, account);
      runInit(located.binDir, dataDir, account);
    }
  } catch (err) {
    cleanUp();
    throw err;
  }

  const port = options.port || (await freePort());
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    // A throw-away cluster need not survive a power cut; a kept one (the sandbox's) must.
    ...(temporary ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
  ];
  const child = spawn(postgresBinary(located.binDir), args, {
    cwd: dataDir,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilAnswering(url, child, options.startTimeoutMs ?? 60_000, () => stderr);
    await checkPgvector(url, located.binDir);
  } catch (err) {
    await stopChild(child, FAST_SHUTDOWN, 10_000);
    cleanUp();
    throw err;
  }
  log.info({ url, dataDir, binDir: located.binDir }, 'PostgreSQL is up');
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    dataDir,
    postgres: located,
    stop: () =>
      (stopping ??= stopChild(child, FAST_SHUTDOWN, 10_000).then(() => {
        cleanUp();
        log.info({ url }, 'PostgreSQL stopped');
      })),
  };
}

async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`PostgreSQL exited while starting:\n${stderr()}`);
    if (await answers(url)) return;
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL on ${url} did not answer within ${timeoutMs} ms:\n${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
