import { describe, expect, it } from 'vitest';
import type { JobSnapshot, WaitPolicy } from '../../../src/shared/types.js';
import {
  isSparse,
  nextPollDelay,
  POLLS_AT_MIN_AFTER_ESTIMATE,
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

  it('once the estimate has passed, polls at minPollMs a few more times, then doubles', () => {
    const past = (now - 5_000) / 1000;
    const after = (streak: number) =>
      nextPollDelay(policy, job({ estimatedFinish: past }), now, streak);
    expect([1, 2, 3, 4, 5, 6].map(after)).toEqual([15, 15, 15, 30, 60, 120].map((x) => x * 1000));
    expect(POLLS_AT_MIN_AFTER_ESTIMATE).toBe(3);
    // Runs from before the hold (the workflow passes patched() = false) doubled at once.
    expect(nextPollDelay(policy, job({ estimatedFinish: past }), now, 2, {}, false)).toBe(60_000);
  });

  it('backs off by doubling when there is no estimate', () => {
    expect(nextPollDelay(policy, job({ status: 'queued' }), now, 2)).toBe(60_000);
    expect(nextPollDelay(policy, job({ status: 'running' }), now, 2)).toBe(60_000);
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

describe('nextPollDelay with webhooks (the sparse safety net)', () => {
  const hooks: WaitPolicy = { ...policy, webhooks: true };
  const phases = { validating: 2 * 60_000, queued: 5 * 60_000, running: 2 * 3600_000 };

  /** The polls of a whole job under `p`, job states as the emulator reports them. */
  function simulate(p: WaitPolicy, audience: Parameters<typeof nextPollDelay>[4] = {}) {
    const start = now;
    const runFrom = start + phases.validating + phases.queued;
    const end = runFrom + phases.running;
    const at = (t: number): JobSnapshot =>
      t < start + phases.validating
        ? job({ status: 'validating_files' })
        : t < runFrom
          ? job({ status: 'queued' })
          : t < end
            ? job({ estimatedFinish: end / 1000 })
            : job({ status: 'succeeded' });
    let t = start;
    let streak = 0;
    let previous: JobSnapshot | undefined;
    let polls = 0;
    for (;;) {
      const snap = at(t);
      polls++;
      if (snap.status === 'succeeded') return { polls, lateMs: t - end };
      streak = nextUnguidedStreak(streak, previous, snap, t);
      previous = snap;
      t += nextPollDelay(p, snap, t, streak, audience);
    }
  }

  it('a two-hour job costs at most five polls when nobody watches, and its end is still found', () => {
    const { polls, lateMs } = simulate(hooks);
    expect(polls).toBeLessThanOrEqual(5);
    // A lost webhook: the safety net still finds the end about a minute after the estimate.
    expect(lateMs).toBeLessThanOrEqual(5 * policy.minPollMs);
    // Without webhooks the adaptive schedule is unchanged: many more polls, found sooner.
    expect(simulate(policy).polls).toBeGreaterThan(15);
  });

  it('sleeps until just after the estimate, at most safetyNetPollMs, and one net without one', () => {
    const soon = (now + 10 * 60_000) / 1000;
    expect(nextPollDelay(hooks, job({ estimatedFinish: soon }), now, 0)).toBe(10 * 60_000 + 60_000);
    const later = (now + 5 * 3600_000) / 1000;
    expect(nextPollDelay(hooks, job({ estimatedFinish: later }), now, 0)).toBe(3600_000);
    expect(nextPollDelay({ ...hooks, safetyNetPollMs: 1_800_000 }, job({}), now, 0)).toBe(
      1_800_000,
    );
    expect(nextPollDelay(hooks, job({ status: 'queued' }), now, 0)).toBe(3600_000);
    // The estimate has passed and the webhook has not come: back off from minPollMs.
    const past = (now - 1000) / 1000;
    expect(nextPollDelay(hooks, job({ estimatedFinish: past }), now, 1)).toBe(30_000);
  });

  it('polls often while someone watches, and as before for a live W&B run', () => {
    const later = (now + 5 * 3600_000) / 1000;
    expect(nextPollDelay(hooks, job({ estimatedFinish: later }), now, 0, { watched: true })).toBe(
      15_000,
    );
    expect(
      nextPollDelay({ ...hooks, watchPollMs: 5_000 }, job({ status: 'queued' }), now, 3, {
        watched: true,
      }),
    ).toBe(15_000); // never below minPollMs
    expect(nextPollDelay(hooks, job({ estimatedFinish: later }), now, 0, { live: true })).toBe(
      nextPollDelay(policy, job({ estimatedFinish: later }), now, 0),
    );
    expect(isSparse(hooks)).toBe(true);
    expect(isSparse(hooks, { watched: true })).toBe(false);
    expect(isSparse(hooks, { live: true })).toBe(false);
    expect(isSparse(policy)).toBe(false);
    expect(simulate(hooks, { watched: true }).polls).toBeGreaterThan(400);
  });

  it('rejects nonsense webhook settings', () => {
    expect(() => resolveWaitPolicy(policy, { safetyNetPollMs: 0 })).toThrow(/safetyNetPollMs/);
    expect(() => resolveWaitPolicy(policy, { watchPollMs: -1 })).toThrow(/watchPollMs/);
    expect(() => resolveWaitPolicy(policy, { webhooks: 'yes' as unknown as boolean })).toThrow(
      /webhooks/,
    );
  });
});
