import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseEventsConfig } from '../../../src/events/config.js';
import { postEvent } from '../../../src/events/post.js';
import { ErrorType } from '../../../src/shared/errorTypes.js';
import { promotionCompleted } from './sampleEvents.js';

const secret = `whsec_${Buffer.from('an-event-signing-secret-32-bytes!').toString('base64')}`;
const ep = parseEventsConfig(
  { endpoints: [{ name: 'ops', url: 'https://r.test/hook?token=sekrit', secret }] },
  'test',
).endpoints[0]!;

/** A receiver in-process (the unit tier opens no sockets): answers `status`, keeps the request. */
function answering(status: number) {
  const seen: { headers: Record<string, string>; body: string }[] = [];
  const fetchFn = ((_url: string, init: RequestInit) => {
    seen.push({ headers: init.headers as Record<string, string>, body: init.body as string });
    return Promise.resolve(new Response(status === 204 ? null : '{}', { status }));
  }) as unknown as typeof fetch;
  return { seen, fetchFn };
}

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('postEvent', () => {
  it('sends a body the receiver verifies, with the event id as webhook-id', async () => {
    const r = answering(204);
    await expect(postEvent(ep, promotionCompleted, { fetchFn: r.fetchFn })).resolves.toEqual({
      status: 204,
    });
    const { headers, body } = r.seen[0]!;
    expect(headers['webhook-id']).toBe(promotionCompleted.id);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({
      type: 'promotion.completed',
    });
  });

  it.each([408, 429, 500, 503])('retries a %i', async (status) => {
    const f = await failure(
      postEvent(ep, promotionCompleted, { fetchFn: answering(status).fetchFn }),
    );
    expect(f.type).toBe(ErrorType.EventEndpointUnavailable);
    expect(f.nonRetryable).toBe(false);
  });

  it.each([400, 401, 404, 410])(
    'gives up at once on a %i, naming the setting, not the URL',
    async (status) => {
      const f = await failure(
        postEvent(ep, promotionCompleted, { fetchFn: answering(status).fetchFn }),
      );
      expect(f.type).toBe(ErrorType.EventEndpointRejected);
      expect(f.nonRetryable).toBe(true);
      expect(f.message).toMatch(/endpoint "ops" \(https:\/\/r\.test\).*FINETUNE_EVENTS_FILE/);
      expect(f.message).not.toContain('sekrit');
    },
  );

  it('retries when the receiver cannot be reached', async () => {
    const fetchFn = (() =>
      Promise.reject(
        new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      )) as unknown as typeof fetch;
    const f = await failure(postEvent(ep, promotionCompleted, { fetchFn }));
    expect(f.type).toBe(ErrorType.EventEndpointUnavailable);
    expect(f.message).toContain('ECONNREFUSED');
    expect(f.message).not.toContain('sekrit');
  });
});
