import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../shared/errorTypes.js';
import type { OutgoingEvent } from '../shared/eventTypes.js';
import type { EventEndpoint } from './config.js';
import { renderBody } from './render.js';
import { signEvent } from './sign.js';

/** One attempt's budget: a receiver that takes longer is retried (it may have got it: ids dedupe). */
export const POST_TIMEOUT_MS = 10_000;

/** Where an endpoint is, for messages: scheme and host only (a URL's path or query may be a token). */
export function endpointWhere(endpoint: EventEndpoint): string {
  const u = new URL(endpoint.url);
  return `endpoint "${endpoint.name}" (${u.protocol}//${u.host})`;
}

/**
 * POSTs one event to one endpoint, signed per Standard Webhooks when it has a secret. A 2xx is
 * delivered; 408, 429, 5xx and network errors are retried by the activity's policy; any other
 * answer is the receiver refusing the event, which no retry fixes.
 */
export async function postEvent(
  endpoint: EventEndpoint,
  event: OutgoingEvent,
  opts: { uiUrl?: string; signal?: AbortSignal; fetchFn?: typeof fetch } = {},
): Promise<{ status: number }> {
  const body = renderBody(endpoint, event, opts.uiUrl);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'temporal-finetune-events',
    ...(endpoint.secret ? signEvent(endpoint.secret, event.id, new Date(), body) : {}),
  };
  const signal = opts.signal
    ? AbortSignal.any([opts.signal, AbortSignal.timeout(POST_TIMEOUT_MS)])
    : AbortSignal.timeout(POST_TIMEOUT_MS);
  let res: Response;
  try {
    res = await (opts.fetchFn ?? fetch)(endpoint.url, { method: 'POST', headers, body, signal });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const inner = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = inner?.code ?? inner?.message ?? (err as Error).name;
    throw ApplicationFailure.retryable(
      `${endpointWhere(endpoint)} did not answer (${cause})`,
      ErrorType.EventEndpointUnavailable,
    );
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.ok) return { status: res.status };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    throw ApplicationFailure.retryable(
      `${endpointWhere(endpoint)} answered ${res.status}`,
      ErrorType.EventEndpointUnavailable,
    );
  }
  throw ApplicationFailure.nonRetryable(
    `${endpointWhere(endpoint)} refused ${event.type} with ${res.status}: check the endpoint's URL and secret in the worker's event settings (FINETUNE_EVENTS_FILE or FINETUNE_EVENTS_URL / FINETUNE_EVENTS_SECRET)`,
    ErrorType.EventEndpointRejected,
  );
}
