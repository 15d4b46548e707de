import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderStatus } from '../../src/cli/render.js';
import type { EstimatedCost } from '../../src/shared/estimatedCost.js';
import { usd } from '../../src/shared/money.js';
import { getPipelineStatus, startFineTunePipeline } from '../../src/client/pipeline.js';
import { resolve, rollback } from '../../src/client/promotion.js';
import { startSync } from '../../src/client/sync.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { ROOT, runCli } from '../cli/support/runCli.js';
import { eventually, TEST_WANDB_ENTITY } from './support/harness.js';
import {
  startTogetherHarness,
  TEST_TOGETHER_KEY,
  TOGETHER_BASE,
  togetherInput,
  type TogetherHarness,
} from './support/together.js';

describe('the pipeline on Together AI (emulated, official together-ai client), end to end', () => {
  let h: TogetherHarness;
  beforeAll(async () => {
    h = await startTogetherHarness({
      failTraining: (job) => job.suffix?.startsWith('fail-me') ?? false,
      serving: { failStart: ({ model }) => model.includes('no-start') },
    });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('trains one job, syncs W&B from the metrics endpoint, serves on a dedicated endpoint at promotion, and stops the eval endpoint', async () => {
    const project = `together-${randomUUID().slice(0, 8)}`;
    const started = await startFineTunePipeline(
      h.client,
      togetherInput({
        suffix: 'support',
        tuning: { lora: { r: 8 } },
        wandb: { project },
        promotion: { autoApprove: { by: 'ops' } },
      }),
      { taskQueue: h.taskQueue },
    );
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');

    // One job at Together, carrying the run's key in its suffix, trained with our LoRA rank.
    const { data: jobs } = await h.api.fineTuning.list();
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.id).toBe(result.jobId);
    expect(job.suffix).toMatch(/^support-tf[a-z2-7]{10}$/);
    expect(job.training_type).toMatchObject({ type: 'Lora', lora_r: 8, lora_alpha: 16 });
    expect(result.fineTunedModel).toBe(job.model_output_name);

    // W&B: run id = job id, one history line per step from the metrics endpoint.
    const run = h.wandb.state.run(TEST_WANDB_ENTITY, project, result.jobId);
    expect(run).toBeDefined();
    const steps = run!.history.map((line) => line._step);
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps).size).toBe(steps.length);
    expect(result.wandb.errors).toEqual([]);

    // Serving: a dedicated endpoint, its hardware and price per hour on the promotion record.
    const serving = result.approval!.promotion!.serving!;
    expect(serving.provider).toBe('together');
    expect(serving.deployment).toMatchObject({ kind: 'dedicated-endpoint', purpose: 'production' });
    expect(serving.deployment!.costPerHourUsd).toBeGreaterThan(0);
    expect(serving.servedAs).toMatch(/^emulated-org\/tf-/);
    // What production resolves to answers a real chat completion.
    const where = { project, collection: 'model-metadata', alias: 'production' };
    const resolved = await resolve(h.client, where, { taskQueue: h.taskQueue });
    expect(resolved?.servedAs).toBe(serving.servedAs);
    // resolve says what it runs on and what it costs per hour while it runs.
    expect(resolved?.serving).toMatchObject({
      kind: 'dedicated-endpoint',
      costPerHourUsd: serving.deployment!.costPerHourUsd,
    });
    const answer = await h.api.chat.completions.create({
      model: resolved!.servedAs!,
      messages: [{ role: 'user', content: 'The display shows E2.' }],
    });
    expect(answer.choices[0]?.message?.content).toBeTruthy();

    // The eval gate ran the candidate on an endpoint of its own, gone now; production's runs.
    const eval_ = result.approval!.gates.find((g) => g.gate === 'eval')!;
    expect(eval_.verdict).toBe('pass');
    const names: string[] = [];
    for await (const e of h.apiV2.beta.endpoints.list({})) names.push(e.name);
    expect(names).toEqual([serving.servedAs]);
    const charges = h.together.servingCharges();
    expect(charges.some((c) => !c.running)).toBe(true);

    // status and resolve list, live, what of ours runs and bills: production's endpoint only.
    const live = [
      {
        servedAs: serving.servedAs,
        state: 'running',
        costPerHourUsd: serving.deployment!.costPerHourUsd,
      },
    ];
    const status = await getPipelineStatus(h.client, started.workflowId, { serving: true });
    expect(status.running).toMatchObject(live);
    expect(renderStatus(status, Date.now())).toContain(
      `running   ${serving.servedAs} on ${serving.deployment!.sku} × 1, ${usd(serving.deployment!.costPerHourUsd!)}/hour`,
    );
    expect(resolved?.running).toMatchObject(live);
  });

  it("a failed job fails the pipeline with the job's error; cancelling cancels the Together job", async () => {
    const failed = await startFineTunePipeline(h.client, togetherInput({ suffix: 'fail-me' }), {
      taskQueue: h.taskQueue,
    });
    await expect(failed.handle.result()).rejects.toThrow(/failed/);

    const cancelled = await startFineTunePipeline(
      h.client,
      togetherInput({ suffix: 'cancel-me' }),
      {
        taskQueue: h.taskQueue,
      },
    );
    const jobId = await eventually(
      'the Together job',
      async () => (await cancelled.handle.query(progressQuery)).jobId,
    );
    await cancelled.handle.cancel();
    await expect(cancelled.handle.result()).rejects.toThrow();
    await eventually('the job cancelled at Together', async () => {
      const status = (await h.api.fineTuning.retrieve(jobId)).status;
      return status === 'cancelled' || status === 'cancel_requested' || undefined;
    });
  });

  it('nothing is spent blindly: a base Together does not fine-tune is refused before upload; a price above --max-cost stops before the job', async () => {
    const files = async () => (await h.api.files.list()).data.length;
    const jobs = async () => (await h.api.fineTuning.list()).data.length;
    const [filesBefore, jobsBefore] = [await files(), await jobs()];
    const unknown = await startFineTunePipeline(
      h.client,
      togetherInput({ model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', suffix: 'no-base' }),
      { taskQueue: h.taskQueue },
    );
    await expect(unknown.handle.result()).rejects.toThrow();
    const refusal = await unknown.handle.query(progressQuery);
    expect(refusal.error).toMatch(/does not fine-tune "meta-llama\/Llama-3.3-70B-Instruct-Turbo"/);
    expect(await files()).toBe(filesBefore);

    const dear = await startFineTunePipeline(
      h.client,
      togetherInput({ suffix: 'too-dear', maxCostUsd: 0.000001 }),
      { taskQueue: h.taskQueue },
    );
    await expect(dear.handle.result()).rejects.toThrow();
    const p = await dear.handle.query(progressQuery);
    expect(p.error).toMatch(
      /Training would cost an estimated \$[0-9.e-]+ \(Together AI's estimate\), above --max-cost/,
    );
    expect(p.cost).toMatchObject({ source: 'provider', maxUsd: 0.000001 });
    expect(p.cost!.usd).toBeGreaterThan(0.000001);
    expect(await jobs()).toBe(jobsBefore);
  });

  it('rollback to a stopped endpoint starts it again before production points at it', async () => {
    const project = `together-rb-${randomUUID().slice(0, 8)}`;
    const promote = async (suffix: string) => {
      const started = await startFineTunePipeline(
        h.client,
        togetherInput({
          suffix,
          wandb: { project },
          promotion: { autoApprove: { by: 'ops' }, gates: { eval: 'off', drift: 'off' } },
        }),
        { taskQueue: h.taskQueue },
      );
      const r = await started.handle.result();
      expect(r.stage).toBe('promoted');
      return r.approval!.promotion!.serving!;
    };
    const first = await promote('roll-a');
    await promote('roll-b');
    // The earlier model's endpoint is stopped (as a person, or a prune, would).
    const { endpointId, deploymentId } = first.deployment!;
    await h.apiV2.beta.endpoints.deployments.update(deploymentId!, {
      endpointId: endpointId!,
      autoscaling: { minReplicas: 0, maxReplicas: 0 },
    });
    const state = async () =>
      (
        await h.apiV2.beta.endpoints.deployments.retrieve(deploymentId!, {
          endpointId: endpointId!,
        })
      ).status.state;
    await eventually('the endpoint stopped', async () =>
      (await state()) === 'DEPLOYMENT_STATE_STOPPED' ? true : undefined,
    );
    const where = { project, collection: 'model-metadata', alias: 'production' };
    await rollback(h.client, { ...where, by: 'ops', reason: 'worse' }, { taskQueue: h.taskQueue });
    const back = await resolve(h.client, where, { taskQueue: h.taskQueue });
    expect(back?.servedAs).toBe(first.servedAs);
    expect(await state()).toBe('DEPLOYMENT_STATE_READY');
    const answer = await h.api.chat.completions.create({
      model: back!.servedAs!,
      messages: [{ role: 'user', content: 'The display shows E2.' }],
    });
    expect(answer.choices[0]?.message?.content).toBeTruthy();
  });

  it('--prune-endpoints stops the endpoints no alias points to, keeping the rollback target', async () => {
    const project = `together-prune-${randomUUID().slice(0, 8)}`;
    const promote = async (suffix: string, prune = false) => {
      const started = await startFineTunePipeline(
        h.client,
        togetherInput({
          suffix,
          wandb: { project },
          promotion: {
            autoApprove: { by: 'ops' },
            gates: { eval: 'off', drift: 'off' },
            ...(prune ? { pruneDeployments: true } : {}),
          },
        }),
        { taskQueue: h.taskQueue },
      );
      const r = await started.handle.result();
      expect(r.stage).toBe('promoted');
      return r.approval!.promotion!;
    };
    const a = (await promote('prune-a')).serving!;
    const b = (await promote('prune-b')).serving!;
    const c = await promote('prune-c', true);
    const state = async (s: typeof a) =>
      (
        await h.apiV2.beta.endpoints.deployments.retrieve(s.deployment!.deploymentId!, {
          endpointId: s.deployment!.endpointId!,
        })
      ).status.state;
    // A: no alias, not the rollback target: stopped. B: what a rollback returns to: running.
    expect(c.prunedDeployments).toContainEqual(
      expect.objectContaining({ deployment: a.deployment!.name, removed: true }),
    );
    await eventually('the pruned endpoint stopped', async () =>
      (await state(a)) === 'DEPLOYMENT_STATE_STOPPED' ? true : undefined,
    );
    expect(await state(b)).toBe('DEPLOYMENT_STATE_READY');
    expect(await state(c.serving!)).toBe('DEPLOYMENT_STATE_READY');
  });

  it('syncs a job started elsewhere, as WandbLogger does: run id = job id, one line per step, none twice on a re-sync', async () => {
    // A job made outside any pipeline: the sample uploaded by hand, trained with Together's client.
    const form = new FormData();
    form.set('purpose', 'fine-tune');
    form.set('file_name', 'train.jsonl');
    form.set(
      'file',
      new Blob([await readFile(join(ROOT, 'data/sample/train.jsonl'))]),
      'train.jsonl',
    );
    const uploaded = await fetch(`${h.together.baseURL}/files/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOGETHER_KEY}` },
      body: form,
    });
    const file = (await uploaded.json()) as { id: string };
    await eventually('the file checked', async () =>
      (await h.api.files.retrieve(file.id)).processing_status === 'COMPLETED' ? true : undefined,
    );
    const job = await h.api.fineTuning.create({
      model: TOGETHER_BASE,
      training_file: file.id,
      suffix: 'elsewhere',
      n_epochs: 1,
    });
    await eventually('the job to complete', () =>
      h.together.job(job.id)?.status === 'completed' ? true : undefined,
    );
    const project = `together-sync-${randomUUID().slice(0, 8)}`;
    const sync = async (overwrite: boolean) =>
      (
        await startSync(
          h.client,
          { fineTuneJobId: job.id, project, overwrite },
          { taskQueue: h.taskQueue },
        )
      ).handle.result();
    const first = await sync(false);
    expect(first.jobs[0]).toMatchObject({
      jobId: job.id,
      outcome: 'synced',
      jobStatus: 'succeeded',
    });
    const run = () => h.wandb.state.run(TEST_WANDB_ENTITY, project, job.id)!;
    const steps = run().history.map((line) => line._step);
    expect(steps.length).toBe(h.together.job(job.id)!.stepsDone);
    expect(new Set(steps).size).toBe(steps.length);
    // A second sync skips it; one that overwrites writes the same lines, none twice.
    expect((await sync(false)).jobs[0]).toMatchObject({ outcome: 'skipped' });
    await sync(true);
    expect(run().history.map((line) => line._step)).toEqual(steps);
  });

  it('an endpoint that fails to start fails the promotion cleanly: production unchanged, nothing left billing', async () => {
    const project = `together-nostart-${randomUUID().slice(0, 8)}`;
    const input = (suffix: string) =>
      togetherInput({
        suffix,
        wandb: { project },
        promotion: { autoApprove: { by: 'ops' }, gates: { eval: 'off', drift: 'off' } },
      });
    const good = await (
      await startFineTunePipeline(h.client, input('starts'), { taskQueue: h.taskQueue })
    ).handle.result();
    expect(good.stage).toBe('promoted');
    const production = good.approval!.promotion!.serving!;
    const runningNames = () =>
      h.together
        .servingCharges()
        .filter((c) => c.running)
        .map((c) => c.id)
        .sort();
    const runningBefore = runningNames();

    const bad = await startFineTunePipeline(h.client, input('no-start'), {
      taskQueue: h.taskQueue,
    });
    await expect(bad.handle.result()).rejects.toThrow();
    const p = await bad.handle.query(progressQuery);
    expect(p.stage).toBe('failed');
    expect(p.error).toMatch(
      /did not start on Together.*production is unchanged.*TOGETHER_ENDPOINT_HARDWARE/s,
    );
    // Production still resolves to the earlier model, which still answers.
    const where = { project, collection: 'model-metadata', alias: 'production' };
    const resolved = await resolve(h.client, where, { taskQueue: h.taskQueue });
    expect(resolved?.servedAs).toBe(production.servedAs);
    const answer = await h.api.chat.completions.create({
      model: production.servedAs,
      messages: [{ role: 'user', content: 'The display shows E2.' }],
    });
    expect(answer.choices[0]?.message?.content).toBeTruthy();
    // The failed start left nothing billing: the same endpoints run as before it.
    expect(runningNames()).toEqual(runningBefore);
  });

  it("shows Together's price estimate in start's report, the status, the UI's details and the approver's gates", async () => {
    const workflowId = `together-price-${randomUUID()}`;
    // `finetune start` as a person runs it: it reports once the price is checked (after upload).
    const run = await runCli(
      [
        'start',
        '--training',
        join(ROOT, 'data/sample/train.jsonl'),
        '--validation',
        join(ROOT, 'data/sample/valid.jsonl'),
        '--model',
        TOGETHER_BASE,
        '--suffix',
        'priced',
        '--no-local-check',
        '--gate-eval',
        'off',
        '--workflow-id',
        workflowId,
        '--task-queue',
        h.taskQueue,
        '--address',
        inject('temporalAddress'),
        '--json',
      ],
      { timeoutMs: 90_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { estimatedCost: EstimatedCost | null };
    expect(report.estimatedCost).toMatchObject({ currency: 'USD', source: 'provider' });
    const amount = report.estimatedCost!.amount!;
    expect(amount).toBeGreaterThan(0);

    const handle = h.client.workflow.getHandle(workflowId);
    const waiting = await eventually(
      'a decision to wait for',
      async () => {
        const p = await handle.query(progressQuery);
        return ['awaiting_approval', 'failed', 'rejected', 'promoted'].includes(p.stage)
          ? p
          : undefined;
      },
      90_000,
    );
    expect(waiting.stage, waiting.details).toBe('awaiting_approval');
    const line = `training price ${usd(amount)} (the provider's estimate)`;
    const status = await getPipelineStatus(h.client, workflowId);
    expect(status.estimatedCost).toEqual(report.estimatedCost);
    expect(renderStatus(status, Date.now())).toContain(
      `price     ${usd(amount)} (the provider's estimate)`,
    );
    // The approver's view in the UI: the gates, then the price, then how to decide.
    const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    const [, gates, decide] = meta.currentDetails.split('\n\n');
    expect(gates).toMatch(/^\*\*Promotion gates:\*\*/);
    expect(gates).toContain(`**Cost:** ${line}`);
    expect(decide).toMatch(/^\*\*Decide:\*\*/);
    await handle.signal('rejectPromotion', { by: 'ops', comment: 'price check only' });
    await handle.result();
    // After the stage, the details still carry it.
    expect((await handle.query(progressQuery)).details).toContain(line);
  });
});
