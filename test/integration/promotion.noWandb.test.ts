import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

describe('governed promotion with W&B off', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, false);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  it('gates and the decision still run and are recorded; the result says no registry was there to move an alias in', async () => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(
        { minPollMs: 300, maxPollMs: 2000 },
        { promotion: { autoApprove: { by: 'ops' } } },
      ),
      { taskQueue: h.taskQueue },
    );
    const r = await started.handle.result();
    expect(r.stage).toBe('promoted');
    expect(r.approval?.decision).toMatchObject({ decision: 'approve', by: 'ops', how: 'auto' });
    const byGate = Object.fromEntries(r.approval!.gates.map((g) => [g.gate, g.verdict]));
    expect(byGate).toMatchObject({
      pii: 'pass',
      tokenLimit: 'pass',
      drift: 'skipped',
      eval: 'pass',
    });
    expect(r.approval?.promotion).toMatchObject({ promoted: false });
    expect(r.approval?.promotion?.note).toMatch(/no W&B registry is configured on this worker/);
    expect(r.wandb.skipped).toMatch(/WANDB_API_KEY/);
  });
});
