import { InvalidArgumentError } from 'commander';

// The CLI's option parsers: every numeric flag is checked here, by commander, before any command
// runs or connects anywhere. A bad value fails with commander's
// "option '--epochs <n|auto>' argument '1.5' is invalid. <reason>" and exit code 1.

/** A plain decimal number: no hex, no empty string, no "Infinity" (which Number() all accept). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;

function parseDecimal(raw: string): number | undefined {
  const s = raw.trim();
  if (!DECIMAL.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function parseInteger(raw: string): number | undefined {
  const s = raw.trim();
  if (!INTEGER.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A commander option parser for a number in [min, max] (whole numbers only when `integer`). */
export function numberIn(min: number, max: number, integer = false) {
  return (raw: string): number => {
    const n = integer ? parseInteger(raw) : parseDecimal(raw);
    if (n === undefined || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
      );
    }
    return n;
  };
}

/** A share of requests, 0 to 1. */
export const rate = numberIn(0, 1);

/** A TCP port; 0 asks the system for any free port. */
export const port = (raw: string): number => {
  const n = parseInteger(raw);
  if (n === undefined || n < 0 || n > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 = any free port)');
  }
  return n;
};

/** A positive whole number up to `max`, or the literal "auto" (OpenAI's n_epochs, batch_size). */
export function positiveIntegerOrAuto(max: number) {
  return (raw: string): number | 'auto' => {
    if (raw.trim() === 'auto') return 'auto';
    const n = parseInteger(raw);
    if (n === undefined || n < 1 || n > max) {
      throw new InvalidArgumentError(`must be a positive integer (1 to ${max}) or "auto"`);
    }
    return n;
  };
}

/** A number above 0, or "auto" (learning_rate_multiplier, DPO beta). */
export function positiveNumberOrAuto(raw: string): number | 'auto' {
  if (raw.trim() === 'auto') return 'auto';
  const n = parseDecimal(raw);
  if (n === undefined || n <= 0) {
    throw new InvalidArgumentError('must be a number above 0 or "auto"');
  }
  return n;
}

/** A job seed: the service takes a 32-bit signed non-negative integer. */
export const seed = (raw: string): number => {
  const n = parseInteger(raw);
  if (n === undefined || n < 0 || n > 2_147_483_647) {
    throw new InvalidArgumentError('must be an integer from 0 to 2147483647');
  }
  return n;
};

/** A duration in seconds from `min` up to a day, fractions allowed (refresh intervals). */
export function secondsFrom(min: number, max = 86_400) {
  return (raw: string): number => {
    const n = parseDecimal(raw);
    if (n === undefined || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number of seconds from ${min} to ${max}`);
    }
    return n;
  };
}

/** A whole number of at least `min` (counts such as --last or --min-examples). */
export function integerFrom(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = parseInteger(raw);
    if (n === undefined || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `expected a whole number of at least ${min}`
          : `expected a whole number from ${min} to ${max}`,
      );
    }
    return n;
  };
}
