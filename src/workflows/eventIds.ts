import type { EventType } from '../shared/eventTypes.js';

/**
 * An event's id: the workflow it is about, the run (so a later run under the same workflow id
 * sends new events), and what happened, which occurs at most once per run. Computed in workflow
 * code and recorded in history (as the delivery's workflow id), so a worker killed at any point
 * never sends an occurrence under a second id: receivers de-duplicate on `webhook-id`.
 */
export function eventIdFor(workflowId: string, runId: string, type: EventType): string {
  return `evt_${workflowId}_${runId.slice(-12)}_${type}`;
}
