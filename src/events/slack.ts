import type { EventLinks, OutgoingEvent } from '../shared/eventTypes.js';

/** A Slack incoming-webhook message: `text` (notifications, fallback) and mrkdwn blocks. */
export interface SlackMessage {
  text: string;
  blocks: { type: 'section'; text: { type: 'mrkdwn'; text: string } }[];
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** One line saying what happened, for the notification and the message's head. */
export function slackHeadline(event: OutgoingEvent): string {
  switch (event.type) {
    case 'approval.requested':
      return `Approval requested: ${event.data.fineTunedModel ?? event.data.workflowId} for "${event.data.alias}"`;
    case 'approval.decided':
      return `${event.data.decision.decision === 'approve' ? 'Approved' : 'Rejected'} by ${event.data.decision.by} (${event.data.decision.how}): ${event.data.workflowId}`;
    case 'gate.blocked':
      return `Promotion blocked by a gate: ${event.data.workflowId}`;
    case 'promotion.completed':
      return event.data.promoted
        ? `Promoted: "${event.data.alias}" → ${event.data.modelVersion ?? event.data.fineTunedModel}`
        : `Approved, nothing moved: ${event.data.workflowId}`;
    case 'rollback.completed':
      return `Rolled back: "${event.data.alias}" → ${event.data.modelVersion} by ${event.data.by}`;
    case 'pipeline.failed':
      return `Pipeline failed at ${event.data.stage}: ${event.data.workflowId}`;
    case 'kb.approval.requested':
      return `Approval requested: index ${event.data.indexVersion ?? event.data.workflowId} for production of knowledge base ${event.data.kb}`;
    case 'kb.approval.decided':
      return `${event.data.decision.decision === 'approve' ? 'Approved' : 'Rejected'} by ${event.data.decision.by} (${event.data.decision.how}): knowledge base ${event.data.kb}, ${event.data.workflowId}`;
    case 'kb.gate.blocked':
      return `Index promotion blocked by a gate: knowledge base ${event.data.kb}, ${event.data.workflowId}`;
    case 'kb.promotion.completed':
      return `Promoted: production of knowledge base ${event.data.kb} → ${event.data.indexVersionRef ?? event.data.index.version}`;
    case 'kb.rollback.completed':
      return `Rolled back: production of knowledge base ${event.data.kb} → ${event.data.indexVersionRef ?? event.data.index.version} by ${event.data.by}`;
    case 'kb.pipeline.failed':
      return `Knowledge-base ingest failed at ${event.data.stage}: ${event.data.kb}, ${event.data.workflowId}`;
  }
}

function details(event: OutgoingEvent): string[] {
  switch (event.type) {
    case 'approval.requested':
      return [
        ...event.data.gates.map((g) => `• ${g.summary}`),
        `Decide: ${code(event.data.decide.approve)} or ${code(event.data.decide.reject)}`,
      ];
    case 'approval.decided':
      return event.data.decision.comment ? [`> ${event.data.decision.comment}`] : [];
    case 'gate.blocked':
      return event.data.blockedBy.map((b) => `• ${b}`);
    case 'promotion.completed':
      return [
        ...(event.data.replaced !== undefined ? [`was ${event.data.replaced ?? 'none'}`] : []),
        ...(event.data.servedAs ? [`call it as ${code(event.data.servedAs)}`] : []),
        ...(event.data.note ? [event.data.note] : []),
      ];
    case 'rollback.completed':
      return [`from ${event.data.replaced ?? 'none'}: ${event.data.reason}`];
    case 'pipeline.failed':
    case 'kb.pipeline.failed':
      return [event.data.error];
    case 'kb.approval.requested':
      return [
        ...event.data.gates.map((g) => `• ${g.summary}`),
        `Decide: ${code(event.data.decide.approve)} or ${code(event.data.decide.reject)}`,
      ];
    case 'kb.approval.decided':
      return event.data.decision.comment ? [`> ${event.data.decision.comment}`] : [];
    case 'kb.gate.blocked':
      return event.data.blockedBy.map((b) => `• ${b}`);
    case 'kb.promotion.completed':
      return [
        `${event.data.index.store} ${code(event.data.index.location)}: ${event.data.index.version} (was ${event.data.index.replaced ?? 'none'})`,
        ...(event.data.note ? [event.data.note] : []),
      ];
    case 'kb.rollback.completed':
      return [
        `${event.data.index.store} ${code(event.data.index.location)}: ${event.data.index.version} (was ${event.data.index.replaced ?? 'none'}): ${event.data.reason}`,
      ];
  }
}

/** The event as a Slack message: where approvers are. */
export function renderSlack(event: OutgoingEvent, links: EventLinks): SlackMessage {
  const headline = slackHeadline(event);
  const lines = [`*${headline}*`, ...details(event)];
  if (links.ui) lines.push(`<${links.ui}|Open in the Temporal UI>`);
  return {
    text: headline,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }],
  };
}
