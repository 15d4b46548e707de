// What a store refuses, by kind, so the knowledge base's activities can map each to a failure type
// once (retry or fail fast). Connection trouble is not wrapped: it stays the driver's error, and
// the activity's retry policy deals with it.

export type VectorStoreErrorKind =
  /** The name, id, dims or vector given cannot be used (fix the input). */
  | 'invalid'
  /** A version or candidate that does not exist. */
  | 'not-found'
  /** A write to a sealed candidate. */
  | 'sealed'
  /** Production holds another version than the caller expected (someone else moved it). */
  | 'stale-production'
  /** Rollback asked, but the current version replaced nothing. */
  | 'nothing-to-roll-back'
  /** Dropping a version a pointer or a rollback record still needs. */
  | 'in-use';

export class VectorStoreError extends Error {
  override name = 'VectorStoreError';
  constructor(
    readonly kind: VectorStoreErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Knowledge-base names and candidate ids become table, branch and tag names: keep them plain. */
export function checkName(what: 'knowledge base' | 'candidate id', value: string): string {
  if (!NAME.test(value)) {
    throw new VectorStoreError(
      'invalid',
      `The ${what} ${JSON.stringify(value)} must be 1 to 64 letters, digits, '-' or '_'.`,
    );
  }
  return value;
}

export function checkDims(dims: number): number {
  if (!Number.isInteger(dims) || dims < 1 || dims > 16_000) {
    throw new VectorStoreError('invalid', `dims must be an integer from 1 to 16000, not ${dims}.`);
  }
  return dims;
}

/** Every number finite and the length right: a wrong vector fails here, not deep in a store. */
export function checkVector(vector: ArrayLike<number>, dims: number, what: string): void {
  if (vector.length !== dims) {
    throw new VectorStoreError(
      'invalid',
      `${what} has ${vector.length} numbers; this index stores ${dims}-dimensional vectors.`,
    );
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) {
      throw new VectorStoreError('invalid', `${what} has a non-finite number at ${i}.`);
    }
  }
}

export function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > 10_000) {
    throw new VectorStoreError('invalid', `k must be an integer from 1 to 10000, not ${k}.`);
  }
  return k;
}

export function staleProduction(
  kb: string,
  expected: string | null,
  current: string | null,
): VectorStoreError {
  return new VectorStoreError(
    'stale-production',
    `Production of ${kb} holds ${current ?? 'nothing'}, not ${expected ?? 'nothing'} as expected: someone else moved it. Read it again and decide anew.`,
  );
}

export function nothingToRollBack(kb: string, current: string): VectorStoreError {
  return new VectorStoreError(
    'nothing-to-roll-back',
    `Production of ${kb} (${current}) replaced nothing: there is no earlier version to roll back to.`,
  );
}
