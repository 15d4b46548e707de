import { InvalidArgumentError } from 'commander';

/** A commander option parser for a number in [min, max] (whole numbers only when `integer`). */
export function numberIn(min: number, max: number, integer = false) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(
        `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
      );
    }
    return n;
  };
}

/** A share of requests, 0 to 1. */
export const rate = numberIn(0, 1);
