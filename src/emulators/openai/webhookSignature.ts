import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signature, as OpenAI sends it: `v1,<base64 HMAC-SHA256>` over
 * `{id}.{timestamp}.{body}`, keyed with the base64-decoded part of a `whsec_` secret (any other
 * secret is used as its UTF-8 bytes, which is what the openai client does when verifying).
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = secret.startsWith('whsec_')
    ? Buffer.from(secret.slice('whsec_'.length), 'base64')
    : Buffer.from(secret, 'utf8');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}
