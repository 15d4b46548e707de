import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type {
  EmittedEvent,
  EventDataByType,
  EventType,
  OutgoingEvent,
} from '../shared/eventTypes.js';
import { rootMessage } from '../shared/rootCause.js';
import { eventRouteActivities } from './activityOptions.js';
import { deliverEvent } from './deliverEvent.js';
import { eventIdFor } from './eventIds.js';
import { rethrowCancellation } from './failures.js';

const now = (): string => new Date(Date.now()).toISOString();

/**
 * Emits events for the workflow it lives in. Each goes to a deliverEvent workflow of its own
 * (child, ParentClosePolicy ABANDON) rather than an activity awaited here: the workflow waits only
 * for that child to start (milliseconds), deliveries outlive it (an event emitted as the pipeline
 * ends is still retried for an hour), and a pipeline cancelled or terminated leaves its events to
 * finish. `emitted` (progress.events) names each event's delivery workflow for `finetune status`.
 */
export class WorkflowEvents {
  readonly emitted: EmittedEvent[] = [];

  /** `enabled`: the run passed the patch that brought events (patches.ts: outgoingEvents). */
  constructor(readonly enabled: boolean) {}

  async emit<K extends EventType>(type: K, data: EventDataByType[K]): Promise<void> {
    if (!this.enabled) return;
    const info = workflowInfo();
    const id = eventIdFor(info.workflowId, info.firstExecutionRunId, type);
    if (this.emitted.some((e) => e.id === id)) return;
    const record: EmittedEvent = { id, type, at: now(), endpoints: [] };
    this.emitted.push(record);
    try {
      const route = await eventRouteActivities.routeEvent(type);
      record.configDigest = route.configDigest;
      if (!route.endpoints.length) return;
      record.endpoints = route.endpoints.map((e) => e.name);
      const event = { id, type, timestamp: record.at, data } as OutgoingEvent;
      await startChild(deliverEvent, {
        workflowId: id,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [{ event, endpoints: route.endpoints }],
        staticSummary: `${type} to ${record.endpoints.join(', ')}`,
      });
    } catch (err) {
      rethrowCancellation(err);
      record.error = rootMessage(err);
    }
  }
}
