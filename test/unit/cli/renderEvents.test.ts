import { describe, expect, it } from 'vitest';
import { renderEvents } from '../../../src/cli/renderEvents.js';
import { renderKbStatus } from '../../../src/cli/renderKnowledgeBase.js';

describe('events in finetune status', () => {
  it('show each delivery, a dead endpoint with why, and events nobody wants', () => {
    expect(
      renderEvents([
        {
          id: 'evt_1',
          type: 'promotion.completed',
          at: '2026-12-07T15:00:00Z',
          deliveries: [
            { endpoint: 'deploy-bot', state: 'delivered', at: '2026-12-07T15:00:01Z' },
            {
              endpoint: 'slack',
              state: 'dead',
              error: 'endpoint "slack" (https://h.test) answered 503',
            },
            { endpoint: 'audit', state: 'delivering' },
          ],
        },
        { id: 'evt_2', type: 'approval.requested', at: '2026-12-07T14:00:00Z', deliveries: [] },
        {
          id: 'evt_3',
          type: 'pipeline.failed',
          at: '2026-12-07T14:00:00Z',
          deliveries: [],
          error: 'local activity timed out',
        },
      ]),
    ).toEqual([
      'event     promotion.completed → deploy-bot delivered, slack DEAD (endpoint "slack" (https://h.test) answered 503), audit delivering',
      'event     approval.requested (no endpoint wants it)',
      'event     pipeline.failed: not sent (local activity timed out)',
    ]);
  });

  it("finetune kb status shows an ingest's events the same way", () => {
    const text = renderKbStatus({
      workflowId: 'kb-handbook-1',
      execution: 'RUNNING',
      progress: {
        kb: 'handbook',
        stage: 'awaiting_approval',
        candidateId: 'kb-handbook-1',
        wandb: { errors: [] },
      },
      events: [
        {
          id: 'evt_kb',
          type: 'kb.approval.requested',
          at: '2026-12-07T16:00:00Z',
          deliveries: [{ endpoint: 'approvers', state: 'dead', error: 'answered 404' }],
        },
      ],
    });
    expect(text.split('\n')).toContain(
      'event     kb.approval.requested → approvers DEAD (answered 404)',
    );
  });
});
