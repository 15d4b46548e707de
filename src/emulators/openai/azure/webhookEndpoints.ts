import type { FastifyInstance } from 'fastify';
import { nowSeconds } from '../clock.js';
import type { EmulatorContext } from '../context.js';
import { invalidRequest, missingParameter, notFound } from '../errors.js';
import type { WebhookEndpointInfo } from '../flavor.js';
import type { WebhookTarget } from '../options.js';
import type { AzureIdFactory } from './ids.js';

/** Event types the webhooks page lists (2026-05-13). */
export const WEBHOOK_EVENT_TYPES = [
  'fine_tuning.job.succeeded',
  'fine_tuning.job.failed',
  'fine_tuning.job.cancelled',
  'response.completed',
  'response.cancelled',
  'response.failed',
  'response.incomplete',
  'batch.completed',
  'batch.cancelled',
  'batch.expired',
  'batch.failed',
  'realtime.call.incoming',
];

interface EndpointRecord {
  id: string;
  createdAt: number;
  name: string | null;
  url: string;
  eventTypes: string[];
  secret: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Webhook endpoints registered through `…/dashboard/webhook_endpoints`; the sender reads them. */
export class WebhookEndpointStore {
  readonly records = new Map<string, EndpointRecord>();

  targets(type: string): WebhookTarget[] {
    return [...this.records.values()]
      .filter((e) => e.eventTypes.includes(type))
      .map((e) => ({ url: e.url, secret: e.secret }));
  }

  info(): WebhookEndpointInfo[] {
    return [...this.records.values()].map((e) => ({
      id: e.id,
      name: e.name,
      url: e.url,
      eventTypes: [...e.eventTypes],
      signingSecret: e.secret,
    }));
  }
}

function view(e: EndpointRecord, withSecret: boolean) {
  return {
    id: e.id,
    object: 'webhook.endpoint',
    created_at: e.createdAt,
    event_types: [...e.eventTypes],
    name: e.name,
    ...(withSecret ? { signing_secret: e.secret } : {}),
    // The hint's exact form is unverified: the prefix and the last four characters.
    signing_secret_hint: `whsec_…${e.secret.slice(-4)}`,
    url: e.url,
  };
}

function checkUrl(url: unknown): string {
  if (typeof url !== 'string' || url === '') throw missingParameter('url');
  if (!/^https?:\/\//.test(url))
    throw invalidRequest(`Invalid 'url': expected an http(s) URL.`, 'url');
  return url;
}

function checkEventTypes(types: unknown): string[] {
  if (types === undefined) throw missingParameter('event_types');
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string')) {
    throw invalidRequest(
      `Invalid 'event_types': expected a non-empty array of strings.`,
      'event_types',
    );
  }
  const unknown = types.find((t) => !WEBHOOK_EVENT_TYPES.includes(t));
  if (unknown)
    throw invalidRequest(`Unknown event type '${unknown}'.`, 'event_types', 'invalid_value');
  return [...new Set(types)];
}

function checkName(name: unknown): string | null {
  if (name === undefined || name === null) return null;
  if (typeof name !== 'string') throw invalidRequest(`Invalid 'name': expected a string.`, 'name');
  return name;
}

/**
 * `POST/GET …/dashboard/webhook_endpoints` and `GET/POST/DELETE …/{id}` (facts §5): register
 * returns the `signing_secret` once; deliveries for the endpoint's event types are signed with
 * it. List and delete answer shapes are guesses (`{object: 'list', data, has_more}`, and
 * `{id, object: 'webhook.endpoint.deleted', deleted: true}`).
 */
export function registerWebhookEndpointRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  store: WebhookEndpointStore,
): void {
  const base = `${ctx.flavor.prefix}/dashboard/webhook_endpoints`;
  type Params = { Params: { endpoint_id: string } };
  const require = (id: string): EndpointRecord => {
    const e = store.records.get(id);
    if (!e) throw notFound(`No webhook endpoint with id ${id}.`, 'endpoint_id');
    return e;
  };

  app.post(base, (req) => {
    const body = isObject(req.body) ? req.body : {};
    const ids = ctx.ids as AzureIdFactory;
    const record: EndpointRecord = {
      id: ids.webhookEndpoint(),
      createdAt: nowSeconds(),
      name: checkName(body.name),
      url: checkUrl(body.url),
      eventTypes: checkEventTypes(body.event_types),
      secret: ids.signingSecret(),
    };
    store.records.set(record.id, record);
    return view(record, true);
  });

  app.get(base, () => ({
    object: 'list',
    data: [...store.records.values()].map((e) => view(e, false)),
    has_more: false,
  }));

  app.get<Params>(`${base}/:endpoint_id`, (req) => view(require(req.params.endpoint_id), false));

  app.post<Params>(`${base}/:endpoint_id`, (req) => {
    const e = require(req.params.endpoint_id);
    const body = isObject(req.body) ? req.body : {};
    // The secret cannot be changed (facts §5).
    if (body.name !== undefined) e.name = checkName(body.name);
    if (body.url !== undefined) e.url = checkUrl(body.url);
    if (body.event_types !== undefined) e.eventTypes = checkEventTypes(body.event_types);
    return view(e, false);
  });

  app.delete<Params>(`${base}/:endpoint_id`, (req) => {
    const e = require(req.params.endpoint_id);
    store.records.delete(e.id);
    return { id: e.id, object: 'webhook.endpoint.deleted', deleted: true };
  });
}
