import type { IncomingMessage } from 'node:http';

/** Key shape the Python SDK accepts: an optional `<prefix>-` and at least 40 word characters. */
const KEY_SHAPE = /^(?:[A-Za-z0-9_]+-)?\w{40,}$/;

export type KeyCheck = (key: string) => boolean;

export function keyChecker(apiKeys: string[] | undefined): KeyCheck {
  if (apiKeys && apiKeys.length > 0) {
    const allowed = new Set(apiKeys);
    return (key) => allowed.has(key);
  }
  return (key) => KEY_SHAPE.test(key);
}

/** The API key from `Authorization: Basic base64("api:" + key)`, or undefined. */
export function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
