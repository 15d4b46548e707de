import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { EventsConfig } from '../events/config.js';
import { postEvent } from '../events/post.js';
import { ErrorType } from '../shared/errorTypes.js';
import type { EventRoute, EventType, OutgoingEvent } from '../shared/eventTypes.js';

/** Where events go, read from the worker's settings (never from workflow input or history). */
export function createEventActivities(config: EventsConfig | undefined) {
  return {
    /** The endpoints that want `type` (names and retry budgets only: history sees no URL or secret). */
    routeEvent(type: EventType): Promise<EventRoute> {
      if (!config) return Promise.resolve({ endpoints: [], configDigest: 'none' });
      return Promise.resolve({
        endpoints: config.endpoints
          .filter((e) => e.events.includes(type))
          .map((e) => ({ name: e.name, giveUpAfterMs: e.giveUpAfterMs })),
        configDigest: config.digest,
      });
    },
    /** One POST of one event to one endpoint; the activity's retry policy is the backoff. */
    async deliverEvent(input: {
      endpoint: string;
      event: OutgoingEvent;
    }): Promise<{ status: number }> {
      const endpoint = config?.endpoints.find((e) => e.name === input.endpoint);
      if (!endpoint) {
        throw ApplicationFailure.nonRetryable(
          `endpoint "${input.endpoint}" is no longer in this worker's event settings (FINETUNE_EVENTS_FILE or FINETUNE_EVENTS_URL): the event is not sent there`,
          ErrorType.EventEndpointNotConfigured,
        );
      }
      return postEvent(endpoint, input.event, {
        uiUrl: config?.uiUrl,
        signal: Context.current().cancellationSignal,
      });
    },
  };
}
