import {
  WandbAuthError,
  WandbNotFoundError,
  WandbProtocolError,
  WandbTransientError,
  type WandbError,
  type WandbErrorDetails,
} from './errors.js';

// W&B reports GraphQL failures as free text (sometimes with an `extensions.code`). These patterns
// cover the messages its server and our emulator send for missing credentials and missing objects.
const AUTH_PATTERN =
  /\b(permission denied|unauthori[sz]ed|not authori[sz]ed|forbidden|unauthenticated|invalid api key|api key .*invalid|not logged in|access denied)\b/i;
const NOT_FOUND_PATTERN = /\b(not found|does not exist|doesn't exist|no such|could not find)\b/i;
// Requests the server can never accept as sent: schema mismatches (GraphQL validation) and input
// the server rejects by rule. Retrying them only burns attempts, so they are permanent.
const REJECTED_PATTERN =
  /(Cannot query field|Unknown argument|Unknown type|Variable "\$\w+"|Expected type|Field "[^"]+" is not defined|Syntax Error|\binvalid\b|must not|must be|is not allowed|already exists)/i;
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'PERMISSION_DENIED', 'UNAUTHORIZED']);
const NOT_FOUND_CODES = new Set(['NOT_FOUND']);

export interface GraphqlErrorItem {
  message: string;
  code?: string;
}

/** Pull error messages out of any of the shapes W&B uses (`errors: [{message}]`, `errors: ["…"]`, `error`). */
export function extractErrorItems(body: unknown): GraphqlErrorItem[] {
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  const items: GraphqlErrorItem[] = [];
  const push = (entry: unknown): void => {
    if (typeof entry === 'string') items.push({ message: entry });
    else if (typeof entry === 'object' && entry !== null) {
      const e = entry as { message?: unknown; extensions?: { code?: unknown } };
      const message = typeof e.message === 'string' ? e.message : JSON.stringify(entry);
      const code = typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;
      items.push(code === undefined ? { message } : { message, code });
    }
  };
  if (Array.isArray(record.errors)) record.errors.forEach(push);
  if (record.error !== undefined && record.error !== null) push(record.error);
  return items;
}

/**
 * GraphQL `errors` in an answer: credentials and missing objects are permanent; anything else
 * (server-side exceptions, time-outs inside the server) may pass, so it is transient.
 */
export function classifyGraphqlErrors(
  items: GraphqlErrorItem[],
  operation: string,
  scrub: (text: string) => string,
): WandbError {
  const text = scrub(items.map((i) => i.message).join('; ')).slice(0, 500);
  const details: WandbErrorDetails = { operation };
  if (items.some((i) => (i.code && AUTH_CODES.has(i.code)) || AUTH_PATTERN.test(i.message))) {
    return new WandbAuthError(
      `W&B refused ${operation}: ${text}. Check that the API key is valid for this server and that its user may access the entity/project.`,
      details,
    );
  }
  if (
    items.some((i) => (i.code && NOT_FOUND_CODES.has(i.code)) || NOT_FOUND_PATTERN.test(i.message))
  ) {
    return new WandbNotFoundError(
      `W&B could not find what ${operation} refers to: ${text}. Check the entity, project, run or artifact name.`,
      details,
    );
  }
  const rejected = (i: GraphqlErrorItem): boolean =>
    i.code === 'GRAPHQL_VALIDATION_FAILED' ||
    i.code === 'BAD_USER_INPUT' ||
    REJECTED_PATTERN.test(i.message);
  if (items.some(rejected)) {
    return new WandbProtocolError(
      `W&B rejected ${operation}: ${text}. The request does not fit this server (client bug, unsupported server version, or invalid input).`,
      details,
    );
  }
  return new WandbTransientError(
    `W&B reported an error for ${operation}: ${text}. Retrying later may help.`,
    details,
  );
}

/** A final non-2xx HTTP answer (after any retries) turned into the matching error class. */
export function classifyHttpStatus(
  status: number,
  serverMessage: string,
  details: WandbErrorDetails & { operation: string },
): WandbError {
  const said = serverMessage ? ` Server said: ${serverMessage}` : '';
  const what = `${details.operation} failed with HTTP ${status}`;
  const withStatus = { ...details, status };
  if (status === 401 || status === 403) {
    return new WandbAuthError(
      `${what}: the W&B API key was rejected or lacks access. Check WANDB_API_KEY and the entity/project permissions.${said}`,
      withStatus,
    );
  }
  if (status === 404 || status === 410) {
    return new WandbNotFoundError(
      `${what}: not found${status === 410 ? ' (deleted; W&B never reuses deleted run ids)' : ''}. Check the entity, project and names.${said}`,
      withStatus,
    );
  }
  if (status === 408 || status === 429 || (status >= 500 && status !== 501)) {
    return new WandbTransientError(
      `${what} after ${details.attempts ?? 1} attempt(s): W&B is overloaded or unavailable. Retry later.${said}`,
      withStatus,
    );
  }
  return new WandbProtocolError(
    `${what}: W&B rejected the request as invalid. This is a client bug or an unsupported server; report it with this message.${said}`,
    withStatus,
  );
}
