import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import { VectorStoreError } from '../../vectorStores/index.js';

/**
 * The one place a store's refusal becomes a Temporal failure: a refusal (a bad name, a version
 * gone, production moved by someone else) fails at once with the store's words; anything else —
 * a connection lost, a busy file — stays retryable for the activity's policy.
 */
export async function storeCalling<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof VectorStoreError) {
      throw ApplicationFailure.nonRetryable(
        `${action}: ${err.message}`,
        err.kind === 'nothing-to-roll-back'
          ? ErrorType.NothingToRollBack
          : ErrorType.KbStoreRefused,
      );
    }
    throw err;
  }
}
