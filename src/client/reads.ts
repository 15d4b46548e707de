import { randomUUID } from 'node:crypto';
import {
  ActivityExecutionFailedError,
  ApplicationFailure,
  isGrpcServiceError,
  ServiceError,
  type Client,
} from '@temporalio/client';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';
import { rootMessage } from '../shared/rootCause.js';
import { requireWorker } from './pollers.js';

// Reads the worker answers (`finetune resolve`, `finetune lineage`) run as one standalone
// activity each on the worker's task queue (src/activities/governanceReads.ts): no workflow
// execution, so reads never pile up in the Web UI's list of workflows, and the CLI needs no W&B
// key (the worker holds it). Standalone activities need Temporal Server 1.32 or later with
// `activity.enableStandalone` on (the dev server of Temporal CLI 1.9 has it on); where the
// server has none, or the worker predates these activities, the read runs as the short read
// workflow it used to be.

/** The SDK's failure type for an activity the worker does not have (an older worker). */
const NOT_REGISTERED = 'NotFoundError';
/** gRPC's UNIMPLEMENTED: a server without standalone activities, or with them switched off. */
const GRPC_UNIMPLEMENTED = 12;

/**
 * As the read workflows' activities had: an attempt answers within a minute (heartbeats show a
 * lost worker within 30 s), a W&B hiccup is retried for up to two minutes, and a deploy script
 * never hangs on a read. A permanent error (no such version, W&B not configured) fails at once.
 */
export const READ_ACTIVITY_OPTIONS = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1s',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES, NOT_REGISTERED],
  },
} as const;

/**
 * A call the worker answered with a failure (or could not be reached for). `failureType` is the
 * type of the ApplicationFailure at its root (e.g. `WandbNotFound`), for callers that explain it.
 */
export class WorkerRequestError extends Error {
  override name = 'WorkerRequestError';
  constructor(
    message: string,
    readonly failureType: string | undefined,
  ) {
    super(message);
  }
}

/** `<what> failed: <root cause>`, keeping the root failure's type. */
export function failedOnWorker(what: string, err: unknown): WorkerRequestError {
  let type: string | undefined;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type) type = e.type;
  }
  return new WorkerRequestError(`${what} failed: ${rootMessage(err)}`, type);
}

export interface ReadRequest {
  /** For messages: `resolve "production"`. */
  what: string;
  /** The worker's activity (src/activities/governanceReads.ts). */
  activity:
    | 'readModelAlias'
    | 'readModelLineage'
    | 'readKnowledgeBase'
    | 'queryKnowledgeBase'
    | 'readKbLineage'
    | 'readRunningServing';
  input: unknown;
  taskQueue: string;
}

/**
 * Why a standalone activity could not answer although the read itself is fine, or undefined:
 * the server has no standalone activities, or the worker does not have this one.
 */
export function standaloneUnavailable(err: unknown): string | undefined {
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) {
    if (Number(err.cause.code) === GRPC_UNIMPLEMENTED)
      return 'the server runs no standalone activities';
  }
  if (
    err instanceof ActivityExecutionFailedError &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === NOT_REGISTERED
  ) {
    return 'the worker predates the read activities';
  }
  return undefined;
}

/**
 * Runs the read as a standalone activity; when that is not possible (see standaloneUnavailable)
 * runs `asWorkflow` instead. Failures say what failed and why, in one line.
 */
export async function readOnWorker<T>(
  client: Client,
  req: ReadRequest,
  asWorkflow: () => Promise<T>,
): Promise<T> {
  await requireWorker(client, req.taskQueue, req.what);
  try {
    return await client.activity.execute<T>(req.activity, {
      id: `${req.activity}-${randomUUID()}`,
      taskQueue: req.taskQueue,
      args: [req.input],
      summary: req.what,
      ...READ_ACTIVITY_OPTIONS,
      retry: {
        ...READ_ACTIVITY_OPTIONS.retry,
        nonRetryableErrorTypes: [...READ_ACTIVITY_OPTIONS.retry.nonRetryableErrorTypes],
      },
    });
  } catch (err) {
    if (standaloneUnavailable(err)) return asWorkflow();
    throw failedOnWorker(req.what, err);
  }
}
