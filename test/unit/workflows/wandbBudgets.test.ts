import {
  ActivityFailure,
  ApplicationFailure,
  RetryState,
  TimeoutFailure,
  TimeoutType,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ErrorType } from '../../../src/shared/errorTypes.js';
import { isPermanent } from '../../../src/workflows/failures.js';
import {
  FIND_ENTITY_BUDGET_MS,
  OPEN_RUN_BUDGET_MS,
  RECORD_FILE_BUDGET_MS,
  versioningBudgetMs,
} from '../../../src/workflows/wandbBudgets.js';

const activityFailed = (cause: Error) =>
  new ActivityFailure(
    'activity failed',
    'versionDataset',
    '1',
    RetryState.MAXIMUM_ATTEMPTS_REACHED,
    'worker',
    cause,
  );

describe('how long W&B may hold the pipeline before its job', () => {
  it('gives versioning two minutes plus upload time at 2 MB/s, and nothing odd for a bad size', () => {
    expect(versioningBudgetMs(0)).toBe(120_000);
    expect(versioningBudgetMs(10_000)).toBe(120_005);
    expect(versioningBudgetMs(1_000_000_000)).toBe(120_000 + 500_000);
    expect(versioningBudgetMs(Number.NaN)).toBe(120_000);
    expect(versioningBudgetMs(-5)).toBe(120_000);
  });

  it('keeps every small call within a minute', () => {
    for (const ms of [FIND_ENTITY_BUDGET_MS, RECORD_FILE_BUDGET_MS, OPEN_RUN_BUDGET_MS]) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(60_000);
    }
  });
});

describe('isPermanent: an outage is owed for later, a refusal is not', () => {
  it('a refused key or a rejected request is permanent', () => {
    const refused = ApplicationFailure.nonRetryable('bad key', ErrorType.WandbAuthentication);
    expect(isPermanent(activityFailed(refused))).toBe(true);
    // Non-retryable by the retry policy's list even when thrown retryable.
    const listed = ApplicationFailure.retryable('gone', ErrorType.WandbNotFound);
    expect(isPermanent(activityFailed(listed))).toBe(true);
  });

  it('W&B down (retryable failure, or the budget ran out) is not', () => {
    const down = ApplicationFailure.retryable('503', ErrorType.WandbUnavailable);
    expect(isPermanent(activityFailed(down))).toBe(false);
    const outOfTime = new TimeoutFailure('timed out', undefined, TimeoutType.SCHEDULE_TO_CLOSE);
    expect(isPermanent(activityFailed(outOfTime))).toBe(false);
    expect(isPermanent(new Error('plain'))).toBe(false);
  });
});
