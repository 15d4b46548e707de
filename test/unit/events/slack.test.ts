import { describe, expect, it } from 'vitest';
import { parseEventsConfig } from '../../../src/events/config.js';
import { renderBody } from '../../../src/events/render.js';
import type { SlackMessage } from '../../../src/events/slack.js';
import {
  approvalRequested,
  kbApprovalRequested,
  kbPromotionCompleted,
  promotionCompleted,
} from './sampleEvents.js';

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

  it("asks for a knowledge base's approval with its own command", () => {
    const msg = JSON.parse(
      renderBody(slack, kbApprovalRequested, 'http://ui.test'),
    ) as SlackMessage;
    expect(msg.text).toBe(
      'Approval requested: index cand-kb-handbook-1:7 for production of knowledge base handbook',
    );
    const body = msg.blocks[0]!.text.text;
    expect(body).toContain('`npx finetune kb approve kb-handbook-1 --by NAME`');
    expect(body).toContain('/namespaces/default/workflows/kb-handbook-1|Open in the Temporal UI>');
  });

  it('says where the index production moved to is, to re-open it', () => {
    const msg = JSON.parse(renderBody(slack, kbPromotionCompleted)) as SlackMessage;
    expect(msg.text).toBe(
      'Promoted: production of knowledge base handbook → e/p/handbook-index:v2',
    );
    expect(msg.blocks[0]!.text.text).toContain(
      'lancedb `/srv/kb/lancedb`: cand-kb-handbook-1:7 (was cand-kb-handbook-0:4)',
    );
  });
});

describe('finetune events tail', () => {
  it('prints one line per event, marking a redelivery of the same id', async () => {
    const { describeReceivedEvent } = await import('../../../src/events/describe.js');
    const first = describeReceivedEvent({ ...promotionCompleted, delivery: 1 });
    expect(first).toBe(
      '2026-12-07T15:05:00.000Z  promotion.completed     Promoted: "production" → e/p/model-metadata:v4',
    );
    expect(describeReceivedEvent({ ...promotionCompleted, delivery: 2 })).toBe(
      `${first}  (redelivery 2 of ${promotionCompleted.id})`,
    );
    expect(describeReceivedEvent({ ...kbPromotionCompleted, delivery: 1 })).toBe(
      '2026-12-07T16:05:00.000Z  kb.promotion.completed  Promoted: production of knowledge base handbook → e/p/handbook-index:v2',
    );
  });
});
