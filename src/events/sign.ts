import { Webhook } from 'standardwebhooks';

/** The three Standard Webhooks headers for one delivery of `body`. */
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Signs with the Standard Webhooks reference library (HMAC-SHA256 over `id.timestamp.body`,
 * `v1,<base64>`), the scheme OpenAI signs its webhooks with, so the same verifiers accept ours.
 */
export function signEvent(secret: string, id: string, at: Date, body: string): SignedHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
