import type { Client } from '@temporalio/client';
import type { EmittedEvent, EndpointDelivery, EventType } from '../shared/eventTypes.js';
import type { deliverEvent } from '../workflows/deliverEvent.js';
import { eventDeliveryQuery } from '../workflows/definitions.js';

/** One emitted event and where its deliveries are (what `finetune status` shows). */
export interface EventStatus {
  id: string;
  type: EventType;
  at: string;
  deliveries: EndpointDelivery[];
  /** Why it was not handed to delivery, if so. */
  error?: string;
}

/**
 * Where each of a workflow's events is, per endpoint: from its deliverEvent workflow's result once
 * it has ended (no worker needed), from its query while it runs. A delivery that cannot be read
 * (no worker polls, or it was removed by retention) shows as delivering, without a time.
 */
export async function readEventDeliveries(
  client: Client,
  emitted: readonly EmittedEvent[],
): Promise<EventStatus[]> {
  return Promise.all(
    emitted.map(async (e): Promise<EventStatus> => {
      const base = { id: e.id, type: e.type, at: e.at, ...(e.error ? { error: e.error } : {}) };
      if (!e.endpoints.length) return { ...base, deliveries: [] };
      const unknown = e.endpoints.map((endpoint) => ({ endpoint, state: 'delivering' as const }));
      const handle = client.workflow.getHandle<typeof deliverEvent>(e.id);
      try {
        const d = await handle.describe();
        const read =
          d.status.name === 'RUNNING'
            ? await handle.query(eventDeliveryQuery)
            : await handle.result();
        return { ...base, deliveries: read.deliveries };
      } catch {
        return { ...base, deliveries: unknown };
      }
    }),
  );
}
