import { describe, expect, it } from 'vitest';
import { renderEvents } from '../../../src/cli/renderEvents.js';

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
});
