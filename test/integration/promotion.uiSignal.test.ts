import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import type { PromotionConfig } from '../../src/shared/promotionTypes.js';
import { FineTuneApprovedBy, FineTuneStage } from '../../src/shared/searchAttributes.js';
import type { PipelineProgress } from '../../src/shared/types.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { freshProject } from './support/gateDatasets.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import { signalWithCli } from './support/temporalCli.js';
import { SHORT_JOBS } from './support/wandbHelpers.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
/** The measurements are not what this file is about; one cheap gate keeps the stage honest. */
const GATES: PromotionConfig['gates'] = {
  pii: 'warn',
  tokenLimit: 'off',
  drift: 'off',
  eval: 'off',
};
const EMPTY_BY = 'say who decides: "by" is empty';

describe('governed promotion: deciding from the Temporal Web UI ("Send a Signal")', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SHORT_JOBS);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const start = (suffix: string, promotion: PromotionConfig) =>
    startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix,
        wandb: { project: freshProject(suffix) },
        promotion: { ...promotion, gates: GATES },
      }),
      { taskQueue: h.taskQueue },
    );

  const progressOf = (handle: WorkflowHandle) => handle.query(progressQuery);
  const awaiting = (handle: WorkflowHandle) =>
    eventually(
      `${handle.workflowId} awaiting approval`,
      async () => {
        const p = await progressOf(handle);
        return p.stage === 'awaiting_approval' ? p : undefined;
      },
      60_000,
    );
  const ignoredCount = (handle: WorkflowHandle, n: number): Promise<PipelineProgress> =>
    eventually(`${n} ignored request(s) on ${handle.workflowId}`, async () => {
      const p = await progressOf(handle);
      return (p.approval?.ignored.length ?? 0) >= n ? p : undefined;
    });

  /** A signal that the workflow could not handle would show as a failed workflow task. */
  const workflowTaskFailures = async (handle: WorkflowHandle) => {
    const history = await handle.fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes != null);
  };

  /** Sends with the real CLI, as the UI would, and checks the CLI accepted it. */
  const send = async (workflowId: string, name: string, input?: string) => {
    const r = await signalWithCli(h.temporalAddress, workflowId, name, input);
    expect(r.code, `temporal workflow signal ${name} ${input ?? ''}: ${r.stderr}`).toBe(0);
  };

  it('approvePromotion sent with the real CLI promotes; malformed inputs are recorded and ignored', async () => {
    const started = await start('uiok', { approvers: ['alice'] });
    await awaiting(started.handle);

    // What a person might paste by mistake: an empty object, a bare name, a wrong type for "by".
    const malformed = ['{}', '"alice"', '{"by":42}', '{"name":"alice"}'];
    for (const [i, input] of malformed.entries()) {
      await send(started.workflowId, 'approvePromotion', input);
      await ignoredCount(started.handle, i + 1);
    }
    // Well-formed but not an approver: the list is a guard against mistakes.
    await send(started.workflowId, 'approvePromotion', '{"by":"mallory"}');
    const p = await ignoredCount(started.handle, malformed.length + 1);

    expect(p.stage).toBe('awaiting_approval');
    expect(p.approval?.decision).toBeUndefined();
    expect(p.approval!.ignored.map((x) => [x.decision, x.by, x.how, x.reason])).toEqual([
      ...malformed.map(() => ['approve', '', 'signal', EMPTY_BY]),
      ['approve', 'mallory', 'signal', `"mallory" is not one of this pipeline's approvers (alice)`],
    ]);
    expect(await workflowTaskFailures(started.handle)).toEqual([]);

    // The real one, exactly as pasted into the UI's "Send a Signal" dialog.
    await send(started.workflowId, 'approvePromotion', '{"by":"alice","comment":"from the UI"}');
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    expect(result.approval?.decision).toMatchObject({
      decision: 'approve',
      by: 'alice',
      how: 'signal',
      comment: 'from the UI',
    });
    expect(result.approval?.promotion).toMatchObject({ promoted: true, alias: 'production' });
    expect(result.approval?.ignored).toHaveLength(malformed.length + 1);

    const d = await started.handle.describe();
    expect(d.status.name).toBe('COMPLETED');
    expect(d.typedSearchAttributes.get(FineTuneStage)).toBe('promoted');
    expect(d.typedSearchAttributes.get(FineTuneApprovedBy)).toBe('alice');
    expect(await workflowTaskFailures(started.handle)).toEqual([]);
  });

  it('rejectPromotion from the CLI rejects; a signal with no input or null is ignored', async () => {
    const started = await start('uirej', {});
    await awaiting(started.handle);

    await send(started.workflowId, 'rejectPromotion'); // no --input: no argument at all
    await ignoredCount(started.handle, 1);
    await send(started.workflowId, 'rejectPromotion', 'null');
    const p = await ignoredCount(started.handle, 2);
    expect(p.stage).toBe('awaiting_approval');
    expect(p.approval!.ignored.map((x) => [x.decision, x.by, x.reason])).toEqual([
      ['reject', '', EMPTY_BY],
      ['reject', '', EMPTY_BY],
    ]);

    await send(started.workflowId, 'rejectPromotion', '{"by":"bob","comment":"not this one"}');
    const result = await started.handle.result();
    expect(result.stage).toBe('rejected');
    expect(result.approval?.decision).toMatchObject({
      decision: 'reject',
      by: 'bob',
      how: 'signal',
      comment: 'not this one',
    });
    expect(result.approval?.promotion).toBeUndefined();
    expect(await workflowTaskFailures(started.handle)).toEqual([]);
  });
});
