import OpenAI from 'openai';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { renderBody } from '../../../src/events/render.js';
import { signEvent } from '../../../src/events/sign.js';
import { parseEventsConfig } from '../../../src/events/config.js';
import { approvalRequested, promotionCompleted } from './sampleEvents.js';

const secret = `whsec_${Buffer.from('an-event-signing-secret-32-bytes!').toString('base64')}`;
const config = parseEventsConfig(
  { uiUrl: 'http://ui.test:8233/', endpoints: [{ name: 'ops', url: 'http://r.test/e', secret }] },
  'test',
);
const ops = config.endpoints[0]!;

function signed(event = promotionCompleted, at = new Date()) {
  const body = renderBody(ops, event, config.uiUrl);
  return { body, headers: signEvent(secret, event.id, at, body) };
}

describe('signed events (Standard Webhooks)', () => {
  it("verify with the openai client's verifier and unwrap to the event", async () => {
    const { body, headers } = signed();
    const client = new OpenAI({ apiKey: 'unused', webhookSecret: secret });
    await expect(client.webhooks.verifySignature(body, headers)).resolves.toBeUndefined();
    const event = (await client.webhooks.unwrap(body, headers)) as unknown as {
      type: string;
      data: { modelVersion: string };
    };
    expect(event.type).toBe('promotion.completed');
    expect(event.data.modelVersion).toBe('e/p/model-metadata:v4');
    expect(headers['webhook-id']).toBe(promotionCompleted.id);
  });

  it('verify with the Standard Webhooks reference library', () => {
    const { body, headers } = signed(approvalRequested);
    const payload = new Webhook(secret).verify(body, { ...headers }) as {
      type: string;
      links: { ui: string };
    };
    expect(payload.type).toBe('approval.requested');
    expect(payload.links.ui).toBe('http://ui.test:8233/namespaces/default/workflows/finetune-abc');
  });

  it('fail verification when the body, the secret or the time is off', async () => {
    const { body, headers } = signed();
    const client = new OpenAI({ apiKey: 'unused', webhookSecret: secret });
    await expect(
      client.webhooks.verifySignature(body.replace('ana', 'eve'), headers),
    ).rejects.toThrow(/signature/i);
    const other = `whsec_${Buffer.from('another-secret-of-enough-length!!').toString('base64')}`;
    expect(() => new Webhook(other).verify(body, { ...headers })).toThrow();
    const old = signed(promotionCompleted, new Date(Date.now() - 10 * 60_000));
    expect(() => new Webhook(secret).verify(old.body, { ...old.headers })).toThrow(/timestamp/i);
  });

  it('carry the same id on every delivery of one event, a new signature each time', () => {
    const a = signed(promotionCompleted, new Date(Date.now() - 5_000));
    const b = signed(promotionCompleted, new Date());
    expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
    expect(a.headers['webhook-signature']).not.toBe(b.headers['webhook-signature']);
  });
});
