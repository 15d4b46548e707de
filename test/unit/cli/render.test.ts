import { describe, expect, it } from 'vitest';
import { progressBar, renderStatus } from '../../../src/cli/render.js';

describe('progressBar', () => {
  it('fills in proportion and clamps', () => {
    expect(progressBar(5, 10, 10)).toBe('[█████░░░░░]  50%');
    expect(progressBar(20, 10, 4)).toBe('[████] 100%');
    expect(progressBar(1, 0, 4)).toBe('[░░░░]   0%');
  });
});

describe('renderStatus', () => {
  it('shows stage, job progress, loss and the next check', () => {
    const text = renderStatus(
      {
        workflowId: 'wf-1',
        execution: 'RUNNING',
        progress: {
          stage: 'training',
          datasets: [],
          files: [{ fileId: 'file-1', digest: 'sha256:x', reused: true, via: 'files' }],
          jobId: 'ftjob-1',
        },
        job: {
          jobId: 'ftjob-1',
          polls: 3,
          wakeups: 0,
          nextPollAtMs: 40_000,
          last: {
            jobId: 'ftjob-1',
            status: 'running',
            model: 'm',
            fineTunedModel: null,
            estimatedFinish: null,
            finishedAt: null,
            trainedTokens: null,
            resultFiles: [],
            error: null,
            step: 15,
            totalSteps: 30,
            trainLoss: 0.51234,
            validLoss: null,
          },
        },
      },
      10_000,
    );
    expect(text).toContain('stage     training');
    expect(text).toContain('file-1 (reused)');
    expect(text).toContain('50% step 15/30');
    expect(text).toContain('train 0.5123');
    expect(text).toContain('next check in 30s');
  });
});
