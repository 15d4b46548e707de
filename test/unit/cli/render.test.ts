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

describe('renderStatus after a cancel and without a worker', () => {
  const running = {
    jobId: 'ftjob-1',
    status: 'running',
    model: 'm',
    fineTunedModel: null,
    estimatedFinish: null,
    finishedAt: null,
    trainedTokens: null,
    resultFiles: [],
    error: null,
    step: 4,
    totalSteps: 10,
    trainLoss: null,
    validLoss: null,
  };

  it('says the job was cancelled even though its last snapshot says running', () => {
    const text = renderStatus(
      {
        workflowId: 'wf-2',
        execution: 'CANCELLED',
        progress: { stage: 'cancelled', datasets: [], files: [], jobId: 'ftjob-1', job: running },
        job: { jobId: 'ftjob-1', polls: 1, wakeups: 0, last: running },
        notes: ['The pipeline was cancelled, and its fine-tuning job ftjob-1 with it.'],
      },
      0,
    );
    expect(text).toContain('workflow  wf-2  (cancelled)');
    expect(text).toContain('status    cancelled (was running when the pipeline was cancelled)');
    expect(text).not.toMatch(/^status {4}running$/m);
    expect(text).toContain('note      The pipeline was cancelled, and its fine-tuning job ftjob-1');
  });

  it('shows the stage from the search attribute and why nothing moves', () => {
    const text = renderStatus(
      {
        workflowId: 'wf-3',
        execution: 'RUNNING',
        worker: { taskQueue: 'q1', polling: false },
        stage: 'validating',
        notes: ['No worker is polling task queue "q1" …'],
      },
      0,
    );
    expect(text).toContain('stage     validating');
    expect(text).toContain('note      No worker is polling task queue "q1"');
  });
});

describe('renderStatus at awaiting_approval', () => {
  const status = {
    workflowId: 'wf-2',
    execution: 'RUNNING',
    progress: {
      stage: 'awaiting_approval' as const,
      datasets: [],
      files: [],
      approval: { gates: [], ignored: [] },
    },
  };

  it('prints the commands that decide, as given (runnable as printed)', () => {
    const text = renderStatus(status, 0, {
      approve: 'npx finetune approve wf-2 --by ann --address 127.0.0.1:9',
      reject: "npx finetune reject wf-2 --by ann --comment 'why not' --address 127.0.0.1:9",
    });
    expect(text).toContain('next      npx finetune approve wf-2 --by ann --address 127.0.0.1:9');
    expect(text).toMatch(/^ {10}npx finetune reject wf-2 --by ann --comment 'why not'/m);
  });

  it('without them, commands with a NAME to fill in; none once decided', () => {
    expect(renderStatus(status, 0)).toContain('next      npx finetune approve wf-2 --by NAME');
    const decided = {
      ...status,
      progress: {
        ...status.progress,
        approval: {
          gates: [],
          ignored: [],
          decision: { decision: 'approve' as const, by: 'ann', how: 'update' as const, at: 'now' },
        },
      },
    };
    expect(renderStatus(decided, 0)).not.toContain('next ');
  });
});

describe('renderStatus once the job wait has ended', () => {
  it('shows no next check while the pipeline goes on (gates, approval)', () => {
    const snapshot = {
      jobId: 'ftjob-1',
      status: 'succeeded',
      model: 'm',
      fineTunedModel: 'ft:m:1',
      estimatedFinish: null,
      finishedAt: 1,
      trainedTokens: 10,
      resultFiles: [],
      error: null,
      step: 30,
      totalSteps: 30,
      trainLoss: 0.2,
      validLoss: null,
    };
    const text = renderStatus(
      {
        workflowId: 'wf-3',
        execution: 'RUNNING',
        progress: { stage: 'evaluating', datasets: [], files: [], jobId: 'ftjob-1' },
        job: {
          jobId: 'ftjob-1',
          polls: 3,
          wakeups: 1,
          nextPollAtMs: 40_000,
          last: snapshot,
          result: { snapshot, detectedAtMs: 30_000, polls: 3, wakeups: 1 },
        },
      },
      10_000,
    );
    expect(text).toContain('status    succeeded');
    expect(text).not.toContain('next check');
  });
});
