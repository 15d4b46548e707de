import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { comparable } from '../../../src/activities/gates/drift.js';
import { compareProfiles } from '../../../src/gates/drift.js';
import { TOKEN_BIN_EDGES, TURN_BIN_EDGES } from '../../../src/gates/profile.js';
import { ErrorType } from '../../../src/shared/errorTypes.js';
import type { DatasetProfile } from '../../../src/shared/promotionTypes.js';

function profile(tokenBinCount: number): DatasetProfile {
  return {
    examples: 10,
    tokenBins: new Array<number>(tokenBinCount).fill(1),
    turnBins: new Array<number>(TURN_BIN_EDGES.length - 1).fill(1),
    roles: { user: 10, assistant: 10 },
    systemShare: 0,
  };
}

describe('the drift activity’s comparison', () => {
  it('fails at once, typed, when the profiles were binned differently (no hour of retries)', () => {
    const current = profile(TOKEN_BIN_EDGES.length - 1);
    const older = profile(TOKEN_BIN_EDGES.length - 2);
    let caught: unknown;
    try {
      comparable(() => compareProfiles(current, older));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApplicationFailure);
    const failure = caught as ApplicationFailure;
    expect(failure.type).toBe(ErrorType.GateCannotMeasure);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/drift cannot be measured: .*tokenBins/);
  });

  it('passes a comparison that works through unchanged', () => {
    const p = profile(TOKEN_BIN_EDGES.length - 1);
    expect(comparable(() => compareProfiles(p, p)).length).toBeGreaterThan(0);
  });
});
