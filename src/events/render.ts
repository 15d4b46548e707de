import type { EventLinks, OutgoingEvent } from '../shared/eventTypes.js';
import type { EventEndpoint } from './config.js';
import { renderSlack } from './slack.js';

/** The Web UI's page of the workflow an event is about, when the operator gave its address. */
export function eventLinks(event: OutgoingEvent, uiUrl: string | undefined): EventLinks {
  if (!uiUrl) return {};
  const { namespace, workflowId } = event.data;
  return {
    ui: `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`,
  };
}

/**
 * The body POSTed to an endpoint: the Standard Webhooks payload (`type`, `timestamp`, `data`,
 * plus `links`), or a Slack message. The id is not in the body: it is the `webhook-id` header.
 */
export function renderBody(endpoint: EventEndpoint, event: OutgoingEvent, uiUrl?: string): string {
  const links = eventLinks(event, uiUrl);
  if (endpoint.format === 'slack') return JSON.stringify(renderSlack(event, links));
  return JSON.stringify({
    type: event.type,
    timestamp: event.timestamp,
    data: event.data,
    ...(links.ui ? { links } : {}),
  });
}
