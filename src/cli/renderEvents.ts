import type { EventStatus } from '../client/events.js';

/**
 * `event     promotion.completed → deploy-bot delivered, slack DEAD (answered 404 …)`: one line per
 * event, so a dead endpoint is seen where the pipeline is read. Pure, so it is unit-tested.
 */
export function renderEvents(events: readonly EventStatus[]): string[] {
  return events.map((e) => {
    if (e.error) return `event     ${e.type}: not sent (${e.error})`;
    if (!e.deliveries.length) return `event     ${e.type} (no endpoint wants it)`;
    const parts = e.deliveries.map((d) =>
      d.state === 'dead'
        ? `${d.endpoint} DEAD${d.error ? ` (${d.error})` : ''}`
        : `${d.endpoint} ${d.state}`,
    );
    return `event     ${e.type} → ${parts.join(', ')}`;
  });
}
