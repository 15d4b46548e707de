// Runs the pipeline's scenarios on a fresh dev server + OpenAI emulator and writes their histories
// to test/replay/histories/<workflowType>/<scenario>.json, for the replay tests.
// Never regenerate an existing fixture after changing a workflow: add new ones (see README).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection } from '@temporalio/worker';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { startOpenAIEmulator } from '../src/emulators/openai/index.js';
import { startDevServer } from '../src/temporal/devServer.js';
import { createFineTuneWorker } from '../src/worker.js';
import { startWebhookReceiver } from '../src/webhooks/receiver.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import { progressQuery } from '../src/workflows/definitions.js';

const OUT = join(import.meta.dirname, '..', 'test', 'replay', 'histories');
const KEY = 'sk-capture';
const SECRET = `whsec_${Buffer.from('capture-secret-0123456789').toString('base64')}`;
const overwrite = process.argv.includes('--overwrite');

async function save(client: Client, type: string, scenario: string, workflowId: string) {
  const dir = join(OUT, type);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${scenario}.json`);
  if (existsSync(file) && !overwrite) {
    console.log(`kept     ${file} (exists; pass --overwrite only for a new fixture set)`);
    return;
  }
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(
    file,
    `${JSON.stringify({ workflowId, history: JSON.parse(historyToJSON(history)) }, null, 1)}\n`,
  );
  console.log(`wrote    ${file} (${history.events?.length ?? 0} events)`);
}

async function settle(handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
}

async function main() {
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const receiver = await startWebhookReceiver({ client, secret: SECRET, port: 0 });
  const openai = await startOpenAIEmulator({
    apiKey: KEY,
    durations: { validatingMs: 300, queuedMs: 300, runningMs: 2500 },
    steps: 10,
    webhook: { url: receiver.url, secret: SECRET },
    failTraining: (job) => job.suffix === 'fail-me',
  });
  const native = await NativeConnection.connect({ address: server.address });
  const worker = await createFineTuneWorker({
    connection: native,
    namespace: 'default',
    taskQueue: 'capture',
    openai: { apiKey: KEY, baseURL: `${openai.url}/v1` },
  });
  const fast = { minPollMs: 300, maxPollMs: 2000 };
  await worker.runUntil(async () => {
    const ok = await startFineTunePipeline(client, sampleInput(fast), {
      taskQueue: 'capture',
      workflowId: 'replay-succeeded',
    });
    await settle(ok.handle);
    await save(client, 'fineTunePipeline', 'succeeded', ok.workflowId);
    await save(client, 'awaitFineTuneJob', 'succeeded-webhook', `${ok.workflowId}/job`);

    openai.setWebhook({ url: receiver.url, secret: SECRET, dropRate: 1 });
    const polled = await startFineTunePipeline(client, sampleInput(fast), {
      taskQueue: 'capture',
      workflowId: 'replay-polled',
    });
    await settle(polled.handle);
    await save(client, 'awaitFineTuneJob', 'succeeded-polled', `${polled.workflowId}/job`);
    openai.setWebhook({ url: receiver.url, secret: SECRET });

    const failed = await startFineTunePipeline(client, sampleInput(fast, { suffix: 'fail-me' }), {
      taskQueue: 'capture',
      workflowId: 'replay-failed',
    });
    await settle(failed.handle);
    await save(client, 'fineTunePipeline', 'job-failed', failed.workflowId);

    const cancelled = await startFineTunePipeline(client, sampleInput(fast), {
      taskQueue: 'capture',
      workflowId: 'replay-cancelled',
    });
    for (;;) {
      const p = await cancelled.handle.query(progressQuery).catch(() => undefined);
      if (p?.jobId) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await cancelled.handle.cancel();
    await settle(cancelled.handle);
    await save(client, 'fineTunePipeline', 'cancelled', cancelled.workflowId);
  });
  await native.close();
  await openai.close();
  await receiver.close();
  await connection.close();
  await server.stop();
}

await main();
