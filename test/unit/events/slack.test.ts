import { describe, expect, it } from 'vitest';
import { parseEventsConfig } from '../../../src/events/config.js';
import { renderBody } from '../../../src/events/render.js';
import type { SlackMessage } from '../../../src/events/slack.js';
import { approvalRequested, promotionCompleted } from './sampleEvents.js';

const slack = parseEventsConfig(
  { endpoints: [{ name: 'approvers', url: 'https://hooks.slack.test/T/B/X', format: 'slack' }] },
  'test',
).endpoints[0]!;

describe('the Slack renderer', () => {
  it('asks for approval with the gates, the commands and the UI link', () => {
    const msg = JSON.parse(renderBody(slack, approvalRequested, 'http://ui.test')) as SlackMessage;
    expect(msg.text).toBe(
      'Approval requested: ft:gpt-4o-mini-2024-07-18:org::abc for "production"',
    );
    const body = msg.blocks[0]!.text.text;
    expect(body).toContain('• pii: none found');
    expect(body).toContain('`npx finetune approve finetune-abc --by NAME`');
    expect(body).toContain(
      '<http://ui.test/namespaces/default/workflows/finetune-abc|Open in the Temporal UI>',
    );
  });

  it('says what a promotion moved and how to call the model', () => {
    const msg = JSON.parse(renderBody(slack, promotionCompleted)) as SlackMessage;
    expect(msg.text).toBe('Promoted: "production" → e/p/model-metadata:v4');
    expect(msg.blocks[0]!.text.text).toContain('was e/p/model-metadata:v3');
    expect(msg.blocks[0]!.text.text).not.toContain('Temporal UI');
  });
});

describe('finetune events tail', () => {
  it('prints one line per event, marking a redelivery of the same id', async () => {
    const { describeReceivedEvent } = await import('../../../src/events/describe.js');
    const first = describeReceivedEvent({ ...promotionCompleted, delivery: 1 });
    expect(first).toBe(
      '2026-12-07T15:05:00.000Z  promotion.completed  Promoted: "production" → e/p/model-metadata:v4',
    );
    expect(describeReceivedEvent({ ...promotionCompleted, delivery: 2 })).toBe(
      `${first}  (redelivery 2 of ${promotionCompleted.id})`,
    );
  });
});
