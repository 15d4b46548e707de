import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { decidePromotion, DecisionRefusedError } from '../../src/client/promotion.js';
import type { PromotionConfig } from '../../src/shared/promotionTypes.js';
import {
  FineTuneApprovedBy,
  FineTuneStage,
  FineTunedModel,
} from '../../src/shared/searchAttributes.js';
import {
  approvePromotionSignal,
  decidePromotionUpdate,
  progressQuery,
  rejectPromotionSignal,
} from '../../src/workflows/definitions.js';
import { eventually, startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const PROJECT = 'OpenAI-Fine-Tune';

describe('governed promotion: approval by signal and Update', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const start = (promotion: PromotionConfig, suffix = 'gov') =>
    startFineTunePipeline(h.client, sampleInput(FAST, { suffix, promotion }), {
      taskQueue: h.taskQueue,
    });

  const awaiting = (workflowId: string) =>
    eventually(
      `${workflowId} awaiting approval`,
      async () => {
        const p = await h.client.workflow.getHandle(workflowId).query(progressQuery);
        return p.stage === 'awaiting_approval' ? p : undefined;
      },
      60_000,
    );

  const modelVersions = () =>
    h.wandb!.state.artifactVersions(TEST_WANDB_ENTITY, PROJECT, 'model-metadata');

  it('a signal in the wrong state is recorded and ignored; the Update approves and says what moved', async () => {
    const started = await start({ approvers: ['alice', 'bob'] });
    // Too early: the pipeline is still validating/training.
    await started.handle.signal(approvePromotionSignal, { by: 'alice', comment: 'eager' });
    // While training, the pipeline's own details (what the UI shows) carry the step and loss.
    const training = await eventually(
      'step and loss in the pipeline details',
      async () => {
        const q = await started.handle.query(progressQuery);
        return q.stage === 'training' && /step \d+\/\d+/.test(q.details ?? '') ? q : undefined;
      },
      60_000,
    );
    expect(training.details).toMatch(/train loss \d/);
    const p = await awaiting(started.workflowId);
    expect(p.approval?.ignored).toEqual([
      expect.objectContaining({ decision: 'approve', by: 'alice', how: 'signal' }),
    ]);
    expect(p.approval!.ignored[0]!.reason).toMatch(/not awaiting approval/);
    expect(p.approval!.gates.map((g) => g.gate)).toEqual(['pii', 'tokenLimit', 'drift', 'eval']);
    expect(p.details).toContain(`finetune approve ${started.workflowId} --by NAME`);

    // While awaiting, the model version carries `candidate` and the gate results.
    const candidate = modelVersions().find((v) => v.aliases.includes(p.jobId!));
    expect(candidate?.aliases).toContain('candidate');
    expect(candidate?.metadata?.gates).toHaveLength(4);

    // Someone not in the approvers list is refused by the validator: nothing is written.
    await expect(
      h.client.workflow
        .getHandle(started.workflowId)
        .executeUpdate(decidePromotionUpdate, { args: [{ decision: 'approve', by: 'mallory' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

    const reply = await decidePromotion(h.client, started.workflowId, 'approve', {
      by: 'bob',
      comment: 'looks good',
    });
    expect(reply.decision).toMatchObject({
      decision: 'approve',
      by: 'bob',
      how: 'update',
      comment: 'looks good',
    });
    expect(reply.promotion).toMatchObject({ promoted: true, alias: 'production', replaced: null });
    expect(reply.promotion!.modelVersion).toMatch(/model-metadata:v\d+$/);
    expect(reply.promotion!.datasetVersions.map((d) => d.role)).toEqual(['training', 'validation']);

    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    const promoted = modelVersions().find((v) => v.aliases.includes(result.jobId))!;
    expect(promoted.aliases).toContain('production');
    expect(promoted.aliases).not.toContain('candidate');
    expect(promoted.metadata?.promotion).toMatchObject({
      approvedBy: 'bob',
      how: 'update',
      comment: 'looks good',
      replaced: null,
    });
    const train = h.wandb!.state.artifactVersions(TEST_WANDB_ENTITY, PROJECT, 'train');
    expect(train.filter((v) => v.aliases.includes('production'))).toHaveLength(1);

    // The UI tells the two datasets' activities apart by their summaries.
    const history = await started.handle.fetchHistory();
    const summaries = (history.events ?? []).flatMap((e) => {
      const data = e.activityTaskScheduledEventAttributes
        ? e.userMetadata?.summary?.data
        : undefined;
      return data ? [JSON.parse(Buffer.from(data).toString('utf8')) as string] : [];
    });
    for (const verb of ['validate', 'upload', 'version']) {
      expect(summaries.filter((x) => x.startsWith(`${verb} training:`))).toHaveLength(1);
      expect(summaries.filter((x) => x.startsWith(`${verb} validation:`))).toHaveLength(1);
    }

    const d = await started.handle.describe();
    expect(d.typedSearchAttributes.get(FineTuneStage)).toBe('promoted');
    expect(d.typedSearchAttributes.get(FineTuneApprovedBy)).toBe('bob');
    expect(d.typedSearchAttributes.get(FineTunedModel)).toBe(result.fineTunedModel);

    // Decided: a second decision is refused with the reason.
    await expect(
      decidePromotion(h.client, started.workflowId, 'reject', { by: 'alice' }),
    ).rejects.toBeInstanceOf(DecisionRefusedError);
  });

  it('a reject signal ends at rejected and promotes nothing; self-approval is refused', async () => {
    const before = h.wandb!.state.aliasMoves().filter((m) => m.alias === 'production').length;
    const started = await start({ startedBy: 'carol', requireSecondPerson: true }, 'rej');
    await awaiting(started.workflowId);
    await expect(
      decidePromotion(h.client, started.workflowId, 'approve', { by: 'carol' }),
    ).rejects.toThrow(/started this pipeline and may not approve it/);
    await started.handle.signal(rejectPromotionSignal, { by: 'dave', comment: 'not yet' });
    const result = await started.handle.result();
    expect(result.stage).toBe('rejected');
    expect(result.approval?.decision).toMatchObject({
      decision: 'reject',
      by: 'dave',
      how: 'signal',
    });
    expect(result.approval?.promotion).toBeUndefined();
    expect(h.wandb!.state.aliasMoves().filter((m) => m.alias === 'production')).toHaveLength(
      before,
    );
    const v = modelVersions().find((x) => x.aliases.includes(result.jobId))!;
    expect(v.aliases).not.toContain('candidate');
  });

  it('times out to the configured outcome, and auto-approval is recorded as such', async () => {
    const timed = await start({ approvalTimeoutMs: 1500, onTimeout: 'reject' }, 'tmo');
    const auto = await start({ autoApprove: { by: 'ci-bot', comment: 'scripted' } }, 'auto');
    const t = await timed.handle.result();
    expect(t.stage).toBe('rejected');
    expect(t.approval?.decision).toMatchObject({
      decision: 'reject',
      by: 'timeout',
      how: 'timeout',
    });
    const a = await auto.handle.result();
    expect(a.stage).toBe('promoted');
    expect(a.approval?.decision).toMatchObject({ decision: 'approve', by: 'ci-bot', how: 'auto' });
    // The second promotion records the first as what it replaced.
    expect(a.approval?.promotion?.replaced).toMatch(/model-metadata:v\d+$/);
  });
});
