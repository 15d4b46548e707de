import { describe, expect, it } from 'vitest';
import type { JobSnapshot, WaitPolicy } from '../../../src/shared/types.js';
import {
  nextPollDelay,
  nextUnguidedStreak,
  resolveWaitPolicy,
} from '../../../src/workflows/waitPolicy.js';

const policy: WaitPolicy = { mode: 'adaptive', minPollMs: 15_000, maxPollMs: 600_000 };
const now = 1_800_000_000_000;
const job = (over: Partial<JobSnapshot>): JobSnapshot => ({
  jobId: 'ftjob-1',
  status: 'running',
  model: 'm',
  fineTunedModel: null,
  estimatedFinish: null,
  finishedAt: null,
  trainedTokens: null,
  resultFiles: [],
  error: null,
  step: null,
  totalSteps: null,
  trainLoss: null,
  validLoss: null,
  ...over,
});

describe('nextPollDelay', () => {
  it('halves the time left before estimated_finish, within bounds', () => {
    const est = (now + 2 * 3600_000) / 1000;
    expect(nextPollDelay(policy, job({ estimatedFinish: est }), now, 0)).toBe(600_000); // capped at max
    const near = (now + 60_000) / 1000;
    expect(nextPollDelay(policy, job({ estimatedFinish: near }), now, 0)).toBe(30_000);
    const veryNear = (now + 10_000) / 1000;
    expect(nextPollDelay(policy, job({ estimatedFinish: veryNear }), now, 0)).toBe(15_000); // floor at min
  });

  it('backs off by doubling once the estimate has passed or when there is none', () => {
    const past = (now - 5_000) / 1000;
    expect(nextPollDelay(policy, job({ estimatedFinish: past }), now, 0)).toBe(15_000);
    expect(nextPollDelay(policy, job({ estimatedFinish: past }), now, 2)).toBe(60_000);
    expect(nextPollDelay(policy, job({ status: 'queued' }), now, 10)).toBe(600_000);
  });

  it('a fixed policy is a plain loop', () => {
    const fixed: WaitPolicy = { ...policy, mode: 'fixed', fixedIntervalMs: 60_000 };
    expect(nextPollDelay(fixed, job({ estimatedFinish: (now + 3600_000) / 1000 }), now, 7)).toBe(
      60_000,
    );
  });

  it('progressPollMs caps the delay while running only', () => {
    const p: WaitPolicy = { ...policy, progressPollMs: 20_000 };
    expect(nextPollDelay(p, job({ estimatedFinish: (now + 3600_000) / 1000 }), now, 0)).toBe(
      20_000,
    );
    expect(nextPollDelay(p, job({ status: 'queued' }), now, 5)).toBe(480_000);
  });

  it('a two-hour job costs about ten guided polls, not 120', () => {
    const finish = now + 2 * 3600_000;
    let t = now;
    let polls = 0;
    while (t < finish) {
      t += nextPollDelay(policy, job({ estimatedFinish: finish / 1000 }), t, 0);
      polls++;
    }
    expect(polls).toBeLessThanOrEqual(20);
    expect(t - finish).toBeLessThanOrEqual(policy.minPollMs);
  });
});

describe('nextUnguidedStreak', () => {
  it('resets on a status change and while a future estimate guides', () => {
    expect(nextUnguidedStreak(4, job({ status: 'queued' }), job({ status: 'running' }), now)).toBe(
      0,
    );
    expect(nextUnguidedStreak(4, job({}), job({ estimatedFinish: (now + 1000) / 1000 }), now)).toBe(
      0,
    );
    expect(nextUnguidedStreak(4, job({}), job({ estimatedFinish: (now - 1000) / 1000 }), now)).toBe(
      5,
    );
  });
});

describe('resolveWaitPolicy', () => {
  it('rejects nonsense bounds', () => {
    expect(() => resolveWaitPolicy(policy, { minPollMs: 0 })).toThrow(/invalid wait policy/);
    expect(() => resolveWaitPolicy(policy, { maxPollMs: 1 })).toThrow(/invalid wait policy/);
    expect(resolveWaitPolicy(policy, { minPollMs: 100 }).minPollMs).toBe(100);
  });
});
