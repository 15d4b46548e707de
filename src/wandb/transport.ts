import type { Logger } from 'pino';
import type { z } from 'zod';
import { childLogger } from '../logging.js';
import { redactSecrets } from '../shared/redact.js';
import { classifyGraphqlErrors, classifyHttpStatus, extractErrorItems } from './classify.js';
import { WandbProtocolError, WandbTransientError } from './errors.js';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  retryDelayMs,
  sleep,
  type RetryPolicy,
} from './retry.js';

export const DEFAULT_WANDB_BASE_URL = 'https://api.wandb.ai';

export interface TransportTimeouts {
  /** Per attempt, like wandb-core (30 s). */
  graphqlMs: number;
  /** Per attempt, like wandb-core (180 s). */
  fileStreamMs: number;
  /** Per attempt, whole body included. */
  blobMs: number;
}

export interface WandbTransportOptions {
  apiKey: string;
  /** Default https://api.wandb.ai. The caller reads WANDB_BASE_URL, not this module. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  retry?: Partial<RetryPolicy>;
  timeouts?: Partial<TransportTimeouts>;
  userAgent?: string;
  /** Source of jitter; inject a constant for reproducible delays in tests. */
  random?: () => number;
  logger?: Logger;
}

export interface CallOptions {
  /** Aborts the call at once, also while waiting between retries (e.g. Temporal cancellation). */
  signal?: AbortSignal;
}

/** A GraphQL document with its operation name and a schema for its `data`. */
export interface GraphqlOperation<TData> {
  readonly name: string;
  readonly document: string;
  readonly data: z.ZodType<TData>;
}

export function defineOperation<TData>(
  name: string,
  document: string,
  data: z.ZodType<TData>,
): GraphqlOperation<TData> {
  return { name, document, data };
}

type BodyFactory = () => RequestInit['body'];

interface RequestSpec {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  operation: string;
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Called once per attempt so a retry re-sends the full body (streams cannot be replayed). */
  body?: BodyFactory;
  retryConflict?: boolean;
}

// Node's fetch needs `duplex: 'half'` for streamed request bodies; the DOM typings lack it.
type NodeRequestInit = RequestInit & { duplex?: 'half' };

/**
 * HTTP + GraphQL to one W&B server with one API key. Holds no global state, installs no signal
 * handlers; every call re-sends on 5xx/429/408/network errors with capped back-off.
 */
export class WandbTransport {
  readonly baseUrl: string;
  readonly #authorization: string;
  readonly #secrets: string[];
  readonly #fetch: typeof globalThis.fetch;
  readonly #retry: RetryPolicy;
  readonly #timeouts: TransportTimeouts;
  readonly #userAgent: string;
  readonly #random: () => number;
  readonly #log: Logger;

  constructor(options: WandbTransportOptions) {
    if (!options.apiKey) {
      throw new WandbProtocolError('No W&B API key given. Set WANDB_API_KEY (or pass apiKey).');
    }
    this.baseUrl = (options.baseUrl ?? DEFAULT_WANDB_BASE_URL).replace(/\/+$/, '');
    const basic = Buffer.from(`api:${options.apiKey}`).toString('base64');
    this.#authorization = `Basic ${basic}`;
    this.#secrets = [options.apiKey, basic];
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#timeouts = {
      graphqlMs: 30_000,
      fileStreamMs: 180_000,
      blobMs: 600_000,
      ...options.timeouts,
    };
    this.#userAgent = options.userAgent ?? 'temporal-finetune-wandb';
    this.#random = options.random ?? Math.random;
    this.#log = options.logger ?? childLogger('wandb');
  }

  /** Removes the API key (raw or inside a Basic header) and other known secret shapes. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('[redacted]');
    return redactSecrets(out);
  }

  /** POST /graphql. GraphQL `errors` are failures even when partial data came back. */
  async graphql<TData>(
    op: GraphqlOperation<TData>,
    variables: Record<string, unknown>,
    options: CallOptions & { retryConflict?: boolean } = {},
  ): Promise<TData> {
    const payload = JSON.stringify({ query: op.document, variables, operationName: op.name });
    const res = await this.#send(
      {
        url: `${this.baseUrl}/graphql`,
        method: 'POST',
        operation: op.name,
        timeoutMs: this.#timeouts.graphqlMs,
        headers: { 'content-type': 'application/json' },
        body: () => payload,
        retryConflict: options.retryConflict,
      },
      options.signal,
    );
    const body = await this.#readJson(res, op.name);
    const errors = extractErrorItems(body);
    if (errors.length > 0) throw classifyGraphqlErrors(errors, op.name, (t) => this.scrub(t));
    const data = (body as { data?: unknown } | null)?.data;
    const parsed = op.data.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
      throw new WandbProtocolError(
        `W&B answered ${op.name} in an unexpected shape (${where}). Is the base URL (${this.baseUrl}) a W&B server of a supported version?`,
        { operation: op.name },
      );
    }
    return parsed.data;
  }

  /** POST a JSON body to a path under the base URL (the file stream); returns the JSON answer. */
  async postJson(
    path: string,
    body: unknown,
    operation: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const payload = JSON.stringify(body);
    return this.postText(path, payload, operation, options);
  }

  /** Like postJson, with the body already serialised (e.g. history lines holding NaN tokens). */
  async postText(
    path: string,
    payload: string,
    operation: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    const res = await this.#send(
      {
        url: `${this.baseUrl}${path}`,
        method: 'POST',
        operation,
        timeoutMs: this.#timeouts.fileStreamMs,
        headers: { 'content-type': 'application/json' },
        body: () => payload,
      },
      options.signal,
    );
    const text = await res.text();
    if (text.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  }

  /** PUT bytes to a (signed) upload URL. The body factory runs once per attempt. */
  async putBlob(
    url: string,
    body: BodyFactory,
    headers: Record<string, string>,
    operation: string,
    options: CallOptions = {},
  ): Promise<void> {
    const res = await this.#send(
      { url, method: 'PUT', operation, timeoutMs: this.#timeouts.blobMs, headers, body },
      options.signal,
    );
    await res.body?.cancel();
  }

  /** GET a (signed) download URL; the caller consumes the body (the time-out covers it too). */
  async getBlob(url: string, operation: string, options: CallOptions = {}): Promise<Response> {
    return this.#send(
      { url, method: 'GET', operation, timeoutMs: this.#timeouts.blobMs },
      options.signal,
    );
  }

  /** Credentials go only to our own server, never to signed storage URLs (as wandb-core does). */
  #isOwnServer(url: string): boolean {
    return url === this.baseUrl || url.startsWith(`${this.baseUrl}/`);
  }

  async #send(spec: RequestSpec, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...spec.headers };
    if (this.#isOwnServer(spec.url)) headers.authorization = this.#authorization;
    const target = this.#describe(spec.url);
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const attemptSignal = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(spec.timeoutMs)])
        : AbortSignal.timeout(spec.timeoutMs);
      const body = spec.body?.();
      const init: NodeRequestInit = { method: spec.method, headers, body, signal: attemptSignal };
      if (body instanceof ReadableStream) init.duplex = 'half';
      let res: Response;
      try {
        res = await this.#fetch(spec.url, init);
      } catch (err) {
        signal?.throwIfAborted();
        const reason = this.scrub(describeNetworkError(err));
        if (attempt >= this.#retry.maxAttempts) {
          throw new WandbTransientError(
            `${spec.operation} to ${target} failed after ${attempt} attempt(s): ${reason}. Check that the W&B server is reachable, then retry.`,
            { operation: spec.operation, attempts: attempt, cause: err },
          );
        }
        await this.#pause(spec, attempt, undefined, `network error: ${reason}`, signal);
        continue;
      }
      if (res.ok) return res;
      const retryable = isRetryableStatus(res.status, spec.retryConflict);
      if (retryable && attempt < this.#retry.maxAttempts) {
        const retryAfter = parseRetryAfter(res.headers.get('retry-after'), Date.now());
        await res.body?.cancel().catch(() => undefined);
        await this.#pause(spec, attempt, retryAfter, `HTTP ${res.status}`, signal);
        continue;
      }
      const message = await this.#serverMessage(res);
      throw classifyHttpStatus(res.status, message, {
        operation: spec.operation,
        attempts: attempt,
      });
    }
  }

  async #pause(
    spec: RequestSpec,
    attempt: number,
    retryAfterMs: number | undefined,
    reason: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const delayMs = retryDelayMs(attempt, this.#retry, this.#random, retryAfterMs);
    this.#log.warn(
      { operation: spec.operation, attempt, delayMs, reason, target: this.#describe(spec.url) },
      'W&B request failed; re-sending',
    );
    await sleep(delayMs, signal);
  }

  /** Short, secret-free description of a URL: signed URLs carry tokens in their query or path. */
  #describe(url: string): string {
    if (this.#isOwnServer(url)) return new URL(url).pathname;
    try {
      return `storage at ${new URL(url).host}`;
    } catch {
      return 'storage';
    }
  }

  async #readJson(res: Response, operation: string): Promise<unknown> {
    const text = await res.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new WandbProtocolError(
        `W&B answered ${operation} with something that is not JSON (HTTP ${res.status}). Is ${this.baseUrl} really a W&B API server?`,
        { operation, status: res.status },
      );
    }
  }

  async #serverMessage(res: Response): Promise<string> {
    let text = '';
    try {
      text = await res.text();
    } catch {
      return '';
    }
    let message = text;
    try {
      const items = extractErrorItems(JSON.parse(text));
      if (items.length > 0) message = items.map((i) => i.message).join('; ');
    } catch {
      // plain-text body: keep as is
    }
    return this.scrub(message.replace(/\s+/g, ' ').trim()).slice(0, 300);
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timed out';
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
