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
import {
  approvePromotionSignal,
  decidePromotionUpdate,
  progressQuery,
  rejectPromotionSignal,
} from '../src/workflows/definitions.js';
import { lineage, resolve, rollback } from '../src/client/promotion.js';

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

    // Governed promotion (added with the approval stage).
    const awaiting = async (h: WorkflowHandle) => {
      for (;;) {
        const p = await h.query(progressQuery).catch(() => undefined);
        if (p?.stage === 'awaiting_approval') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const governed = (suffix: string, promotion: object) =>
      startFineTunePipeline(
        client,
        sampleInput(fast, { suffix, wandb: { project: 'governed' }, promotion }),
        { taskQueue: 'capture', workflowId: `replay-${suffix}` },
      );
    const byUpdate = await governed('approved-update', { approvers: ['alice'] });
    await byUpdate.handle.signal(approvePromotionSignal, { by: 'mallory' }); // ignored: too early
    await awaiting(byUpdate.handle);
    await byUpdate.handle.executeUpdate(decidePromotionUpdate, {
      args: [{ decision: 'approve', by: 'alice', comment: 'capture' }],
    });
    await settle(byUpdate.handle);
    save('fineTunePipeline', 'approved-by-update', byUpdate.workflowId);
    save(
      'moveModelAlias',
      'promote-first',
      'alias-move/capture/governed/model-metadata/production',
    );

    const bySignal = await governed('rejected-signal', {});
    await awaiting(bySignal.handle);
    await bySignal.handle.signal(rejectPromotionSignal, { by: 'bob', comment: 'capture' });
    await settle(bySignal.handle);
    save('fineTunePipeline', 'rejected-by-signal', bySignal.workflowId);

    const auto = await governed('auto-approved', { autoApprove: { by: 'capture-bot' } });
    await settle(auto.handle);
    save('fineTunePipeline', 'auto-approved', auto.workflowId);

    const blocked = await governed('gate-blocked', {
      gates: { eval: 'block', evalOptions: { minScore: 0.999 } },
    });
    await settle(blocked.handle);
    save('fineTunePipeline', 'gate-blocked', blocked.workflowId);

    const timedOut = await governed('timed-out', { approvalTimeoutMs: 1000 });
    await settle(timedOut.handle);
    save('fineTunePipeline', 'approval-timed-out', timedOut.workflowId);

    const where = { project: 'governed', collection: 'model-metadata' };
    await rollback(
      client,
      { ...where, alias: 'production', by: 'ops', reason: 'capture' },
      { taskQueue: 'capture', workflowId: 'replay-rollback' },
    );
    save('rollbackPromotion', 'to-previous', 'replay-rollback');
    await resolve(
      client,
      { ...where, alias: 'production' },
      { taskQueue: 'capture', workflowId: 'replay-resolve' },
    );
    save('resolveModelAlias', 'production', 'replay-resolve');
    await lineage(
      client,
      { ...where, start: 'model-metadata:production' },
      { taskQueue: 'capture', workflowId: 'replay-lineage' },
    );
    save('traceModelLineage', 'production', 'replay-lineage');
  });
  await native.close();
  await openai.close();
  await wandb.close();
  await receiver.close();
  await connection.close();
  await server.stop();
}

await main();
