// A worker process for the knowledge base's crash tests: `finetune worker`'s parts (the same
// activities and workflow bundle) with small embedding batches, one request in flight, and, when
// KB_TEST_HOLD_WRITE=<n> is set, a store whose n-th candidate write stops half way: it writes
// half the rows, says so on stderr, and never returns, so the test SIGKILLs the worker with a
// write under way. Run by test/integration/support/workerProcess.ts (spawnKbWorker).
import { openStore } from '../../../src/activities/knowledgeBase/deps.js';
import { readWorkerEnv } from '../../../src/config.js';
import { providerFromEnv } from '../../../src/providers/fromEnv.js';
import { connectWorkerConnection } from '../../../src/temporal/connection.js';
import type { CandidateWriter, VectorStore } from '../../../src/vectorStores/index.js';
import { createFineTuneWorker } from '../../../src/worker.js';
import { HELD_WRITE_MARK } from './workerProcess.js';

const env = readWorkerEnv();
const holdNth = Number(process.env.KB_TEST_HOLD_WRITE ?? 0);
let writes = 0;

function holdingWrites(candidate: CandidateWriter): CandidateWriter {
  return new Proxy(candidate, {
    get(target, key, receiver) {
      if (key !== 'upsert') return Reflect.get(target, key, receiver) as unknown;
      return async (rows: Parameters<CandidateWriter['upsert']>[0]) => {
        if (++writes !== holdNth) return target.upsert(rows);
        const half = Math.floor(rows.length / 2);
        await target.upsert(rows.slice(0, half));
        process.stderr.write(`${HELD_WRITE_MARK} ${writes}: ${half} of ${rows.length} rows\n`);
        return new Promise<never>(() => undefined);
      };
    },
  });
}

async function openWriteStore(location: string): Promise<VectorStore> {
  const store = await openStore(location);
  if (!holdNth) return store;
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'openCandidate') return Reflect.get(target, key, receiver) as unknown;
      return async (spec: Parameters<VectorStore['openCandidate']>[0]) =>
        holdingWrites(await target.openCandidate(spec));
    },
  });
}

const { connection, namespace } = await connectWorkerConnection();
const worker = await createFineTuneWorker({
  connection,
  namespace,
  taskQueue: env.FINETUNE_TASK_QUEUE,
  provider: providerFromEnv(env),
  workflowBundle: { codePath: process.env.FINETUNE_WORKFLOW_BUNDLE! },
  shutdownGraceTime: '1s',
  knowledgeBase: {
    dir: env.FINETUNE_KB_DIR,
    store: env.FINETUNE_KB_STORE,
    embedConcurrency: 1,
    batchInputs: Number(process.env.KB_TEST_BATCH_INPUTS ?? 4),
    openWriteStore,
  },
});
await worker.run();
await connection.close();
