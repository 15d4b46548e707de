// One error family for everything the W&B client throws. Class names are stable: activities map
// them to Temporal failure types by name, and `retryable` says whether trying again can help.

export interface WandbErrorDetails {
  /** GraphQL operation name or a short description of the HTTP call ("file stream", "blob upload"). */
  operation?: string;
  /** HTTP status of the last attempt, when there was a response. */
  status?: number;
  /** How many times the request was sent. */
  attempts?: number;
  cause?: unknown;
}

export abstract class WandbError extends Error {
  abstract readonly retryable: boolean;
  readonly operation?: string;
  readonly status?: number;
  readonly attempts?: number;

  constructor(message: string, details: WandbErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.operation = details.operation;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

/** The API key is missing, wrong, or lacks permission for the entity/project. Not retryable. */
export class WandbAuthError extends WandbError {
  override readonly name = 'WandbAuthError';
  readonly retryable = false;
}

/** The run, project, artifact or alias does not exist (or was deleted). Not retryable. */
export class WandbNotFoundError extends WandbError {
  override readonly name = 'WandbNotFoundError';
  readonly retryable = false;
}

/** Server overload, rate limit, time-out or network failure that outlasted our retries. Retry later. */
export class WandbTransientError extends WandbError {
  override readonly name = 'WandbTransientError';
  readonly retryable = true;
}

/** The server rejected the request as malformed, or answered in a shape we do not understand. */
export class WandbProtocolError extends WandbError {
  override readonly name = 'WandbProtocolError';
  readonly retryable = false;
}

/** Our caller passed something W&B would refuse (bad artifact name, oversize line, type clash). */
export class WandbInputError extends WandbError {
  override readonly name = 'WandbInputError';
  readonly retryable = false;
}

/** Downloaded bytes do not match the manifest digest. Retryable: the next download may be intact. */
export class WandbIntegrityError extends WandbError {
  override readonly name = 'WandbIntegrityError';
  readonly retryable = true;
}

export const WANDB_ERROR_NAMES = [
  'WandbAuthError',
  'WandbNotFoundError',
  'WandbTransientError',
  'WandbProtocolError',
  'WandbInputError',
  'WandbIntegrityError',
] as const;
export type WandbErrorName = (typeof WANDB_ERROR_NAMES)[number];
