import type { ReceivedEvent } from './receiver.js';
import { slackHeadline } from './slack.js';

/** One line per event: time, type, what happened, and a redelivery marked as such. */
export function describeReceivedEvent(e: ReceivedEvent): string {
  const head = slackHeadline(e);
  const again = e.delivery > 1 ? `  (redelivery ${e.delivery} of ${e.id})` : '';
  return `${e.timestamp}  ${e.type.padEnd(22)}  ${head}${again}`;
}
