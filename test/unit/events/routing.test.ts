import { describe, expect, it } from 'vitest';
import { createEventActivities } from '../../../src/activities/events.js';
import { parseEventsConfig } from '../../../src/events/config.js';
import { eventIdFor } from '../../../src/workflows/eventIds.js';

const secret = `whsec_${Buffer.from('an-event-signing-secret-32-bytes!').toString('base64')}`;

describe('routing events to endpoints', () => {
  const config = parseEventsConfig(
    {
      endpoints: [
        {
          name: 'deploy-bot',
          url: 'https://d.test/?token=t',
          secret,
          events: ['promotion.completed'],
        },
        { name: 'approvers', url: 'https://s.test/T/B/X', format: 'slack', giveUpAfterSeconds: 60 },
      ],
    },
    'test',
  );
  const acts = createEventActivities(config);
  const route = (t: Parameters<typeof acts.routeEvent>[0]) => acts.routeEvent(t);

  it('sends each type to the endpoints that want it, by name and budget only', async () => {
    await expect(route('promotion.completed')).resolves.toEqual({
      endpoints: [
        { name: 'deploy-bot', giveUpAfterMs: 3_600_000 },
        { name: 'approvers', giveUpAfterMs: 60_000 },
      ],
      configDigest: config.digest,
    });
    const gate = await route('gate.blocked');
    expect(gate.endpoints.map((e) => e.name)).toEqual(['approvers']);
    expect(JSON.stringify(gate)).not.toMatch(/token|whsec_|https:/);
    // The knowledge base's events are types of their own: a model's deploy-bot does not get them.
    const kb = await route('kb.promotion.completed');
    expect(kb.endpoints.map((e) => e.name)).toEqual(['approvers']);
  });

  it('routes nowhere on a worker without settings', async () => {
    await expect(createEventActivities(undefined).routeEvent('pipeline.failed')).resolves.toEqual({
      endpoints: [],
      configDigest: 'none',
    });
  });

  it('gives up at once on an endpoint the settings no longer have', async () => {
    const { promotionCompleted } = await import('./sampleEvents.js');
    await expect(
      createEventActivities(config).deliverEvent({ endpoint: 'gone', event: promotionCompleted }),
    ).rejects.toMatchObject({ type: 'EventEndpointNotConfigured', nonRetryable: true });
  });
});

describe('event ids', () => {
  it('are one per workflow run and type, the same however often computed', () => {
    const a = eventIdFor('ft-1', '0193a2b4-7c11-7aaa-8bbb-0123456789ab', 'approval.requested');
    expect(a).toBe('evt_ft-1_0123456789ab_approval.requested');
    expect(eventIdFor('ft-1', '0193a2b4-7c11-7aaa-8bbb-0123456789ab', 'approval.requested')).toBe(
      a,
    );
    expect(
      eventIdFor('ft-1', '0193a2b4-7c11-7aaa-8bbb-ffffffffffff', 'approval.requested'),
    ).not.toBe(a);
    expect(eventIdFor('ft-1', '0193a2b4-7c11-7aaa-8bbb-0123456789ab', 'approval.decided')).not.toBe(
      a,
    );
  });
});
