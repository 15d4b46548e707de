import { describe, expect, it } from 'vitest';
import { estimatedFinishSeconds } from '../../../src/emulators/openai/clock.js';

describe('estimated_finish', () => {
  it('is the end rounded to the nearest second, late as often as early', () => {
    // Training starts 0.8 s into a second and has 120 s left: it ends at 1 120.8 s.
    expect(estimatedFinishSeconds(1_000_800, 120_000)).toBe(1121);
    expect(estimatedFinishSeconds(1_000_200, 120_000)).toBe(1120);
    const errors = Array.from({ length: 1000 }, (_, i) => {
      const now = 5_000_000 + i * 7.3;
      return estimatedFinishSeconds(now, 90_000) * 1000 - (now + 90_000);
    });
    expect(Math.max(...errors.map(Math.abs))).toBeLessThanOrEqual(500);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(Math.abs(mean)).toBeLessThan(50);
  });

  it('is never this second or earlier, however little is left', () => {
    expect(estimatedFinishSeconds(2_000_900, 0)).toBe(2001);
    expect(estimatedFinishSeconds(2_000_100, 200)).toBe(2001);
  });
});
