import { setHandler, workflowInfo } from '@temporalio/workflow';
import type {
  DeliverEventInput,
  EndpointDelivery,
  EventDeliveryResult,
} from '../shared/eventTypes.js';
import { rootMessage } from '../shared/rootCause.js';
import { eventDeliveryActivities } from './activityOptions.js';
import { eventDeliveryQuery, HANDLER_DESCRIPTIONS } from './definitions.js';
import { rethrowCancellation } from './failures.js';

const now = (): string => new Date(Date.now()).toISOString();

/**
 * Delivers one event (its workflow id is the event's id) to each endpoint that wants it, side by
 * side: retried with backoff as an activity until delivered or the endpoint's budget runs out,
 * then recorded dead. It ends delivered or dead, never failed: a receiver never fails anything.
 * Started by the workflow the event is about, which does not wait for it (src/workflows/events.ts).
 */
export async function deliverEvent(input: DeliverEventInput): Promise<EventDeliveryResult> {
  const result: EventDeliveryResult = {
    eventId: workflowInfo().workflowId,
    type: input.event.type,
    deliveries: input.endpoints.map((e) => ({ endpoint: e.name, state: 'delivering' })),
  };
  setHandler(eventDeliveryQuery, () => result, {
    description: HANDLER_DESCRIPTIONS.eventDelivery,
  });
  await Promise.all(
    input.endpoints.map(async (endpoint, i) => {
      const delivery: EndpointDelivery = result.deliveries[i]!;
      try {
        await eventDeliveryActivities(endpoint.giveUpAfterMs).deliverEvent.executeWithOptions(
          { summary: `${input.event.type} to ${endpoint.name}` },
          [{ endpoint: endpoint.name, event: input.event }],
        );
        result.deliveries[i] = { ...delivery, state: 'delivered', at: now() };
      } catch (err) {
        rethrowCancellation(err);
        result.deliveries[i] = { ...delivery, state: 'dead', at: now(), error: rootMessage(err) };
      }
    }),
  );
  return result;
}
