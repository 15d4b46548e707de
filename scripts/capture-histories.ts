// Runs the pipeline's scenarios on a fresh dev server + OpenAI emulator and writes their histories
// to test/replay/histories/<workflowType>/<scenario>.json, for the replay tests.
// Never regenerate an existing fixture after changing a workflow: add new ones (see README).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { spawnSync } from 'node:child_process';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { startSync } from '../src/client/sync.js';
import { buildLocalStack, type LocalStack } from '../src/localStack/index.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';
import {
  approvePromotionSignal,
  decidePromotionUpdate,
  progressQuery,
  rejectPromotionSignal,
  watchProgressSignal,
} from '../src/workflows/definitions.js';
import { lineage, resolve, rollback } from '../src/client/promotion.js';
import { startMigration } from '../src/client/migration.js';
import { captureFailures } from './captureFailures.js';
import { captureSigned } from './captureSigned.js';
import { captureSignedRollback } from './captureSignedRollback.js';
import { captureKnowledgeBase } from './captureKnowledgeBase.js';
import { captureKbEvents } from './captureKbEvents.js';
import { capturePatchPaths } from './capturePatchPaths.js';
import { captureTogether } from './captureTogether.js';
import { captureEvents, eventsCaptureConfig } from './captureEvents.js';

const OUT = join(import.meta.dirname, '..', 'test', 'replay', 'histories');
const DATA = join(import.meta.dirname, '..', 'data', 'sample');
const KEY = 'sk-capture';
const WANDB_KEY = 'local-capture0000000000000000000000000000000';
const SECRET = `whsec_${Buffer.from('capture-secret-0123456789').toString('base64')}`;
const overwrite = process.argv.includes('--overwrite');
/**
 * `--only=governance`: just the scenarios added with the lock hand-off and dataset removals;
 * `--only=failures`: just those added with the W&B-outage and cancellation fixes;
 * `--only=signed`: just the signed approvals (a stack of their own: its worker has a policy);
 * `--only=signed-rollback`: just signed rollbacks (stacks of their own: with a policy, without);
 * `--only=patches`: just the branches of patches no other scenario reaches;
 * `--only=together`: just the pipeline on the Together emulator (a worker of its own);
 * `--only=events`: just outgoing events (the worker then sends them to a receiver of the script's);
 * `--only=kb`: just the knowledge-base workflows (a stack of their own: its worker has a store);
 * `--only=kb-events`: just the knowledge base's outgoing events (a store and a receiver).
 */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

let cliPath = '';
let address = '';

/** The CLI writes the same JSON the SDK's replayer reads (`temporal workflow show --output json`). */
function historyJson(workflowId: string, runId?: string): { events: unknown[] } {
  const r = spawnSync(
    cliPath,
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      ...(runId ? ['--run-id', runId] : []),
      '--address',
      address,
      '--output',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`temporal workflow show failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { events: unknown[] };
}

function save(type: string, scenario: string, workflowId: string, runId?: string) {
  const dir = join(OUT, type);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${scenario}.json`);
  if (existsSync(file) && !overwrite) {
    console.log(`kept     ${file} (exists; pass --overwrite only for a new fixture set)`);
    return;
  }
  const history = historyJson(workflowId, runId);
  writeFileSync(file, `${JSON.stringify({ workflowId, history }, null, 1)}\n`);
  console.log(`wrote    ${file} (${history.events.length} events)`);
}

/** The pipeline's child that waited for its job (named after the job in newer runs). */
async function waitIdOf(handle: WorkflowHandle): Promise<string> {
  const p = await handle.query(progressQuery);
  return p.waitWorkflowId ?? `${handle.workflowId}/job`;
}

/** The wait's id once the pipeline has started it (its job exists). */
async function eventuallyWaitId(handle: WorkflowHandle): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const p = await handle.query(progressQuery);
    const id = p.waitWorkflowId;
    const started = id
      ? await handle.client
          .getHandle(id)
          .describe()
          .then(
            () => true,
            () => false,
          )
      : false;
    if (id && started) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.workflowId} never started its wait`);
}

async function settle(handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
}

async function main() {
  if (!only || only === 'kb') {
    await captureKnowledgeBase(
      { wandbKey: WANDB_KEY, openaiKey: KEY },
      (cli, at) => {
        cliPath = cli;
        address = at;
      },
      save,
    );
    if (only) return;
  }
  if (only === 'kb-events') {
    return captureKbEvents(
      { wandbKey: WANDB_KEY, openaiKey: KEY },
      (cli, at) => {
        cliPath = cli;
        address = at;
      },
      save,
    );
  }
  if (!only || only === 'signed-rollback') {
    await captureSignedRollback(
      { wandbKey: WANDB_KEY, openaiKey: KEY },
      (cli, at) => {
        cliPath = cli;
        address = at;
      },
      save,
    );
    if (only) return;
  }
  if (!only || only === 'signed') {
    await captureSigned(
      { wandbKey: WANDB_KEY, openaiKey: KEY },
      (cli, at) => {
        cliPath = cli;
        address = at;
      },
      save,
    );
    if (only) return;
  }
  const events = only === 'events' ? await eventsCaptureConfig() : undefined;
  const stack = await buildLocalStack({
    temporal: { start: {} },
    webhooks: { secret: SECRET },
    openai: {
      apiKey: KEY,
      durations: { validatingMs: 300, queuedMs: 300, runningMs: 2500 },
      steps: 10,
      failTraining: (job) => job.suffix === 'fail-me',
      overrunEstimateMs: (job) => (job.suffix === 'late' ? 2000 : 0),
    },
    wandb: { emulator: { apiKeys: [WANDB_KEY], defaultEntity: 'capture' } },
    worker: { taskQueue: 'capture', ...(events ? { events: events.config } : {}) },
  });
  try {
    cliPath = stack.server!.cli.path;
    address = stack.server!.address;
    if (events) await captureEvents(stack, save);
    else if (only !== 'failures' && only !== 'patches' && only !== 'together') await capture(stack);
    if (!only || only === 'failures') await captureFailures(stack, save);
    if (!only || only === 'patches') await capturePatchPaths(stack, save);
    if (!only || only === 'together') await captureTogether(stack.temporal, WANDB_KEY, save);
  } finally {
    await stack.stop();
    await events?.receiver.close();
  }
}

async function capture(stack: LocalStack) {
  const server = stack.server!;
  const client = stack.client;
  const openai = stack.openai!;
  const receiver = stack.receiver!;
  cliPath = server.cli.path;
  address = server.address;
  const fast = { minPollMs: 300, maxPollMs: 2000 };
  if (only === 'governance') return captureGovernance(stack, fast);
  const ok = await startFineTunePipeline(client, sampleInput(fast), {
    taskQueue: 'capture',
    workflowId: 'replay-succeeded',
  });
  await settle(ok.handle);
  save('fineTunePipeline', 'succeeded', ok.workflowId);
  save('awaitFineTuneJob', 'succeeded-webhook', await waitIdOf(ok.handle));
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

  // Webhooks on: the sparse safety net, the webhook's check as a local activity, and a watcher's
  // lease (status --watch) while it trains.
  const sparse = await startFineTunePipeline(
    client,
    sampleInput({ ...fast, webhooks: true }, { suffix: 'sparse' }),
    { taskQueue: 'capture', workflowId: 'replay-sparse-watched' },
  );
  const sparseWait = await eventuallyWaitId(sparse.handle);
  await client.workflow
    .getHandle(sparseWait)
    .signal(watchProgressSignal, { leaseMs: 60_000, by: 'capture' });
  await settle(sparse.handle);
  save('awaitFineTuneJob', 'webhooks-sparse-watched', sparseWait);

  openai.setWebhook({ url: receiver.url, secret: SECRET, dropRate: 1 });
  const polled = await startFineTunePipeline(client, sampleInput(fast), {
    taskQueue: 'capture',
    workflowId: 'replay-polled',
  });
  await settle(polled.handle);
  save('awaitFineTuneJob', 'succeeded-polled', await waitIdOf(polled.handle));
  // A job that trains two seconds past its estimate: polls at minPollMs past it, then the backoff.
  const late = await startFineTunePipeline(client, sampleInput(fast, { suffix: 'late' }), {
    taskQueue: 'capture',
    workflowId: 'replay-polled-late',
  });
  await settle(late.handle);
  save('awaitFineTuneJob', 'polled-past-estimate', await waitIdOf(late.handle));
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
  save('moveModelAlias', 'promote-first', 'alias-move/capture/governed/model-metadata/production');

  const bySignal = await governed('rejected-signal', {});
  await awaiting(bySignal.handle);
  await bySignal.handle.signal(rejectPromotionSignal, { by: 'bob', comment: 'capture' });
  await settle(bySignal.handle);
  save('fineTunePipeline', 'rejected-by-signal', bySignal.workflowId);

  const auto = await governed('auto-approved', { autoApprove: { by: 'capture-bot' } });
  await settle(auto.handle);
  save('fineTunePipeline', 'auto-approved', auto.workflowId);

  // A regex no answer can match (`a^`) scores every example 0, so the gate surely blocks; a high
  // minScore alone did not: the emulated model sometimes answered every example right, and the
  // pipeline then waited for an approval that never came.
  const blocked = await governed('gate-blocked', {
    gates: { eval: 'block', evalOptions: { primary: 'regex', regex: 'a^', minScore: 0.5 } },
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

  await captureProviders(stack, fast);
  await captureGovernance(stack, fast);
  await capturePreflight(stack, fast);
}

/**
 * Added with the lock hand-off and the dataset removals: a promotion and a rollback between
 * models trained on files of other names (the alias leaves `walk-train`/`train`; drift compares
 * with the production model's own training set), and three approvals queued on one lock, each
 * handed the lock by the one before.
 */
async function captureGovernance(
  stack: LocalStack,
  fast: { minPollMs: number; maxPollMs: number },
) {
  const client = stack.client;
  const renamed = { project: 'renamed', collection: 'model-metadata' };
  const renamedLock = `alias-move/capture/${renamed.project}/model-metadata/production`;
  const dir = mkdtempSync(join(tmpdir(), 'capture-'));
  const lines = readFileSync(join(DATA, 'train.jsonl'), 'utf8').trim().split('\n');
  const walkTrain = join(dir, 'walk-train.jsonl');
  writeFileSync(walkTrain, `${[...lines, ...lines.slice(0, 3)].join('\n')}\n`);
  for (const [suffix, training] of [
    ['renamed-a', join(DATA, 'train.jsonl')],
    ['renamed-b', walkTrain],
  ] as const) {
    const p = await startFineTunePipeline(
      client,
      sampleInput(fast, {
        suffix,
        training: { path: training },
        wandb: { project: renamed.project },
        promotion: {
          autoApprove: { by: 'capture-bot' },
          gates: { pii: 'off', tokenLimit: 'off', eval: 'off', drift: 'warn' },
        },
      }),
      { taskQueue: 'capture', workflowId: `replay-${suffix}` },
    );
    await settle(p.handle);
  }
  save('fineTunePipeline', 'promoted-over-other-dataset-name', 'replay-renamed-b');
  save('moveModelAlias', 'promote-removes-other-dataset', renamedLock);
  await rollback(
    client,
    { ...renamed, alias: 'production', by: 'ops', reason: 'capture' },
    { taskQueue: 'capture', workflowId: 'replay-rollback-renamed' },
  );
  save('rollbackPromotion', 'to-other-dataset-name', 'replay-rollback-renamed');
  save('moveModelAlias', 'rollback-removes-other-dataset', renamedLock);

  // Three approvals at once; every W&B call slowed so the first move is still running when the
  // other two ask for the lock.
  const queued = await Promise.all(
    [0, 1, 2].map((i) =>
      startFineTunePipeline(
        client,
        sampleInput(fast, {
          suffix: `queued-${i}`,
          wandb: { project: 'handoff' },
          promotion: { gates: { pii: 'off', tokenLimit: 'off', drift: 'off', eval: 'off' } },
        }),
        { taskQueue: 'capture', workflowId: `replay-queued-${i}` },
      ),
    ),
  );
  for (const q of queued) {
    for (;;) {
      const p = await q.handle.query(progressQuery).catch(() => undefined);
      if (p?.stage === 'awaiting_approval') break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  stack.wandb!.emulator!.setFaults({ latencyMs: 150, onlyPaths: /graphql/ });
  await Promise.all(
    queued.map((q) => q.handle.signal(approvePromotionSignal, { by: 'capture-bot' })),
  );
  await Promise.all(queued.map((q) => settle(q.handle)));
  stack.wandb!.emulator!.setFaults(undefined);
  const lock = `alias-move/capture/handoff/model-metadata/production`;
  const runs: { runId: string; start: number; parent: string }[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowId = "${lock}"` })) {
    const d = await client.workflow.getHandle(lock, w.runId).describe();
    runs.push({
      runId: w.runId,
      start: w.startTime.getTime(),
      parent: d.parentExecution?.workflowId ?? '',
    });
  }
  runs.sort((a, b) => a.start - b.start);
  if (runs.length !== 3) throw new Error(`expected 3 runs of ${lock}, found ${runs.length}`);
  // The first mover hands on; the second was handed the lock and hands on; the last is handed it.
  save('fineTunePipeline', 'promoted-and-handed-lock-on', runs[0]!.parent);
  save('fineTunePipeline', 'queued-handed-lock-and-handed-on', runs[1]!.parent);
  save('moveModelAlias', 'promote-queue-to-parent', lock, runs[0]!.runId);
  save('moveModelAlias', 'promote-with-inherited-queue', lock, runs[1]!.runId);
}

/**
 * Added with `finetune start` waiting for the pre-flight: a pipeline the provider refuses there
 * (a model it does not know), failed before anything was uploaded or versioned.
 */
async function capturePreflight(stack: LocalStack, fast: { minPollMs: number; maxPollMs: number }) {
  const refused = await startFineTunePipeline(
    stack.client,
    sampleInput(fast, { model: 'gpt-5-turbo-x', wandb: { project: 'preflight' } }),
    { taskQueue: 'capture', workflowId: 'replay-preflight-unknown-model' },
  );
  await settle(refused.handle);
  save('fineTunePipeline', 'preflight-unknown-model', refused.workflowId);
}

/**
 * Added with the provider seam: a pipeline with the runway check, its wait named after the job
 * (and reporting step and loss to it) and serving at promotion; the same on Azure (deployment);
 * a migration from OpenAI to Azure; resolve with the serving dates.
 */
async function captureProviders(stack: LocalStack, fast: { minPollMs: number; maxPollMs: number }) {
  const client = stack.client;
  const where = { project: 'providers', collection: 'model-metadata' };
  const promoted = await startFineTunePipeline(
    client,
    sampleInput(fast, {
      suffix: 'serving',
      wandb: { project: where.project },
      promotion: { autoApprove: { by: 'capture-bot' } },
    }),
    { taskQueue: 'capture', workflowId: 'replay-promoted-serving' },
  );
  await settle(promoted.handle);
  save('fineTunePipeline', 'promoted-with-runway-and-serving', promoted.workflowId);
  save('awaitFineTuneJob', 'reports-to-pipeline', await waitIdOf(promoted.handle));
  save(
    'moveModelAlias',
    'promote-with-serving',
    `alias-move/capture/${where.project}/model-metadata/production`,
  );
  await resolve(
    client,
    { ...where, alias: 'production' },
    { taskQueue: 'capture', workflowId: 'replay-resolve-runway' },
  );
  save('resolveModelAlias', 'with-serving-dates', 'replay-resolve-runway');

  const azure = await buildLocalStack({
    temporal: { address: stack.temporal.address },
    webhooks: {},
    openai: {
      flavor: 'azure',
      apiKey: KEY,
      durations: { pendingMs: 200, validatingMs: 300, queuedMs: 300, runningMs: 2500 },
      steps: 10,
      azure: { deployments: { creatingMs: 300, notReadyMs: 300 } },
    },
    wandb: { user: { apiKey: WANDB_KEY, baseUrl: stack.wandb!.baseUrl } },
    worker: { taskQueue: 'capture-azure' },
  });
  try {
    const onAzure = await startFineTunePipeline(
      client,
      sampleInput(fast, {
        suffix: 'azure',
        wandb: { project: 'providers-azure' },
        promotion: { autoApprove: { by: 'capture-bot' } },
      }),
      { taskQueue: 'capture-azure', workflowId: 'replay-azure-promoted' },
    );
    await settle(onAzure.handle);
    save('fineTunePipeline', 'azure-promoted-with-deployment', onAzure.workflowId);

    const migration = await startMigration(
      client,
      {
        from: 'production',
        ...where,
        sourceTaskQueue: 'capture',
        targetTaskQueue: 'capture-azure',
        minAgreement: 0.7,
        promotion: { autoApprove: { by: 'capture-bot' } },
        wait: fast,
      },
      { workflowId: 'replay-migrate' },
    );
    await settle(migration.handle);
    save('migrateModel', 'openai-to-azure', migration.workflowId);

    // Three promotions with the deployment clean-up (the third prunes v0's), then a rollback to
    // v0 that re-creates its deployment before moving the alias.
    const prune = { project: 'providers-azure-prune', collection: 'model-metadata' };
    for (const n of [1, 2, 3]) {
      const p = await startFineTunePipeline(
        client,
        sampleInput(fast, {
          suffix: `prune-${n}`,
          wandb: { project: prune.project },
          promotion: {
            autoApprove: { by: 'capture-bot' },
            pruneDeployments: true,
            gates: { eval: 'off', drift: 'off' },
          },
        }),
        { taskQueue: 'capture-azure', workflowId: `replay-azure-prune-${n}` },
      );
      await settle(p.handle);
    }
    const lock = `alias-move/capture/${prune.project}/${prune.collection}/production`;
    save('moveModelAlias', 'promote-pruning-deployments', lock);
    await rollback(
      client,
      { ...prune, alias: 'production', to: 'v0', by: 'capture-bot', reason: 'capture' },
      { taskQueue: 'capture-azure', workflowId: 'replay-rollback-redeploy' },
    );
    save('rollbackPromotion', 'to-pruned-version', 'replay-rollback-redeploy');
    save('moveModelAlias', 'rollback-restores-serving', lock);
  } finally {
    await azure.stop();
  }
}

await main();
