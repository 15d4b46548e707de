import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../src/postgres/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * One real PostgreSQL with pgvector for the tier: the project's pinned copy (installed from
 * tools/postgres-requirements.txt on first use by src/postgres/locator.ts), started on a free
 * port of 127.0.0.1 with a temporary data directory. Each test file works in a schema of its own.
 * It starting at all is the tier's first check: every store test after it needs it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres({ startTimeoutMs: 90_000 });
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
