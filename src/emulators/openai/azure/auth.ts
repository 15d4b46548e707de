import type { IncomingHttpHeaders } from 'node:http';
import type { ApiError } from '../errors.js';
import { accessDenied, azureError } from './errors.js';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

const bearerOf = (headers: IncomingHttpHeaders): string | undefined =>
  /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '')?.[1]?.trim() || undefined;

/**
 * Data plane (spec-v1 security: `api-key`, `authorization`, OAuth2): `api-key: <key>` or
 * `Authorization: Bearer <key or Entra token>`. When both come (the openai client with
 * `defaultHeaders: {'api-key': …}` still sends its bearer), `api-key` decides: how Azure treats
 * the pair is unverified. Without a configured key, any non-empty credential passes.
 */
export function dataPlaneAuth(
  headers: IncomingHttpHeaders,
  apiKey: string | undefined,
  entraTokens: readonly string[],
): ApiError | undefined {
  const key = header(headers, 'api-key');
  if (key !== undefined) return apiKey === undefined || key === apiKey ? undefined : accessDenied();
  const bearer = bearerOf(headers);
  if (bearer === undefined) return accessDenied();
  if (apiKey === undefined || bearer === apiKey || entraTokens.includes(bearer)) return undefined;
  return accessDenied();
}

/**
 * ARM: `Authorization: Bearer <management token>` only. Wording as ARM answers (from memory of
 * its messages; not in the facts sheet). Without a configured token, any bearer but the
 * data-plane key passes: API keys do not work on the management plane.
 */
export function armAuth(
  headers: IncomingHttpHeaders,
  armToken: string | undefined,
  apiKey: string | undefined,
): ApiError | undefined {
  if (header(headers, 'authorization') === undefined) {
    return azureError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
    );
  }
  const bearer = bearerOf(headers);
  if (bearer === undefined) {
    return azureError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    );
  }
  const ok = armToken !== undefined ? bearer === armToken : bearer !== apiKey;
  return ok
    ? undefined
    : azureError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
}
