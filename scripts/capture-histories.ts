// Runs the pipeline's scenarios on a fresh dev server + OpenAI emulator and writes their histories
// to test/replay/histories/<workflowType>/<scenario>.json, for the replay tests.
// Never regenerate an existing fixture after changing a workflow: add new ones (see README).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import { NativeConnection } from '@temporalio/worker';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { startOpenAIEmulator } from '../src/emulators/openai/index.js';
import { startWandbEmulator } from '../src/emulators/wandb/index.js';
import { startSync } from '../src/client/sync.js';
import { startDevServer } from '../src/temporal/devServer.js';
import { createFineTuneWorker } from '../src/worker.js';
import { startWebhookReceiver } from '../src/webhooks/receiver.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import { progressQuery } from '../src/workflows/definitions.js';

const OUT = join(import.meta.dirname, '..', 'test', 'replay', 'histories');
const KEY = 'sk-capture';
const WANDB_KEY = 'local-capture0000000000000000000000000000000';
const SECRET = `whsec_${Buffer.from('capture-secret-0123456789').toString('base64')}`;
const overwrite = process.argv.includes('--overwrite');

let cliPath = '';
let address = '';

/** The CLI writes the same JSON the SDK's replayer reads (`temporal workflow show --output json`). */
function historyJson(workflowId: string): { events: unknown[] } {
  const r = spawnSync(
    cliPath,
    ['workflow', 'show', '--workflow-id', workflowId, '--address', address, '--output', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`temporal workflow show failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { events: unknown[] };
}

function save(type: string, scenario: string, workflowId: string) {
  const dir = join(OUT, type);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${scenario}.json`);
  if (existsSync(file) && !overwrite) {
    console.log(`kept     ${file} (exists; pass --overwrite only for a new fixture set)`);
    return;
  }
  const history = historyJson(workflowId);
  writeFileSync(file, `${JSON.stringify({ workflowId, history }, null, 1)}\n`);
  console.log(`wrote    ${file} (${history.events.length} events)`);
}

async function settle(handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
}

async function main() {
  const server = await startDevServer();
  cliPath = server.cli.path;
  address = server.address;
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
  const wandb = await startWandbEmulator({ apiKeys: [WANDB_KEY], defaultEntity: 'capture' });
  const native = await NativeConnection.connect({ address: server.address });
  const worker = await createFineTuneWorker({
    connection: native,
    namespace: 'default',
    taskQueue: 'capture',
    openai: { apiKey: KEY, baseURL: `${openai.url}/v1` },
    wandb: { apiKey: WANDB_KEY, baseUrl: wandb.url },
  });
  const fast = { minPollMs: 300, maxPollMs: 2000 };
  await worker.runUntil(async () => {
    const ok = await startFineTunePipeline(client, sampleInput(fast), {
      taskQueue: 'capture',
      workflowId: 'replay-succeeded',
    });
    await settle(ok.handle);
    save('fineTunePipeline', 'succeeded', ok.workflowId);
    save('awaitFineTuneJob', 'succeeded-webhook', `${ok.workflowId}/job`);
    save('syncFineTune', 'from-pipeline', `${ok.workflowId}/wandb`);

    const batch = await startSync(
      client,
      { numFineTunes: 2, overwrite: false, wait: fast },
      { taskQueue: 'capture', workflowId: 'replay-sync-batch' },
    );
    await settle(batch.handle);
    save('syncFineTunes', 'last-two', batch.workflowId);
    const resync = await startSync(
      client,
      { numFineTunes: 1, overwrite: true, project: 'other', wait: fast },
      { taskQueue: 'capture', workflowId: 'replay-sync-overwrite' },
    );
    await settle(resync.handle);
    save('syncFineTunes', 'overwrite-other-project', resync.workflowId);

    openai.setWebhook({ url: receiver.url, secret: SECRET, dropRate: 1 });
    const polled = await startFineTunePipeline(client, sampleInput(fast), {
      taskQueue: 'capture',
      workflowId: 'replay-polled',
    });
    await settle(polled.handle);
    save('awaitFineTuneJob', 'succeeded-polled', `${polled.workflowId}/job`);
    openai.setWebhook({ url: receiver.url, secret: SECRET });

    const failed = await startFineTunePipeline(client, sampleInput(fast, { suffix: 'fail-me' }), {
      taskQueue: 'capture',
      workflowId: 'replay-failed',
    });
    await settle(failed.handle);
    save('fineTunePipeline', 'job-failed', failed.workflowId);

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
    save('fineTunePipeline', 'cancelled', cancelled.workflowId);
  });
  await native.close();
  await openai.close();
  await wandb.close();
  await receiver.close();
  await connection.close();
  await server.stop();
}

await main();
