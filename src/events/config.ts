import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { EVENT_TYPES, type EventType } from '../shared/eventTypes.js';

// The operator's event endpoints: set on the worker (environment or a file), never by whoever
// starts a pipeline. Secrets and URLs stay on the worker; history sees endpoint names and a digest.

const DEFAULT_GIVE_UP_AFTER_SECONDS = 3600;

/** `whsec_` + base64 of 24 to 64 random bytes (what Standard Webhooks and OpenAI issue). */
const signingSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((s) => {
    const n = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return n >= 24 && n <= 64;
  }, 'must encode 24 to 64 bytes after whsec_');

const EndpointSchema = z
  .object({
    /** Shown in history, `finetune status` and logs in place of the URL. */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
    url: z.url({ protocol: /^https?$/ }),
    /** The signing secret, or the name of the environment variable that holds it. */
    secret: signingSecret.optional(),
    secretEnv: z.string().min(1).optional(),
    format: z.enum(['standard', 'slack']).default('standard'),
    /** Which events go here; all when omitted. */
    events: z.array(z.enum(EVENT_TYPES)).min(1).optional(),
    /** How long one event keeps being retried here before the endpoint is recorded dead. */
    giveUpAfterSeconds: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600)
      .default(DEFAULT_GIVE_UP_AFTER_SECONDS),
  })
  .strict();

const FileSchema = z
  .object({
    /** The Temporal Web UI's address, for links in events (e.g. http://localhost:8233). */
    uiUrl: z.url().optional(),
    endpoints: z.array(EndpointSchema).min(1),
  })
  .strict()
  .refine(
    (c) => new Set(c.endpoints.map((e) => e.name)).size === c.endpoints.length,
    'endpoint names must be unique',
  );

export interface EventEndpoint {
  name: string;
  url: string;
  secret?: string;
  format: 'standard' | 'slack';
  events: readonly EventType[];
  giveUpAfterMs: number;
}

export interface EventsConfig {
  uiUrl?: string;
  endpoints: EventEndpoint[];
  /** Short digest of the whole configuration (secrets included, hashed): seen in history. */
  digest: string;
}

/** A setting an operator must fix; the message names it and never carries a secret or URL. */
export class EventsConfigError extends ConfigError {
  override name = 'EventsConfigError';
}

type Env = Record<string, string | undefined>;

/**
 * The worker's event endpoints: `FINETUNE_EVENTS_FILE` (YAML or JSON), or one endpoint from
 * `FINETUNE_EVENTS_URL` + `FINETUNE_EVENTS_SECRET` (`FINETUNE_EVENTS_FORMAT`: standard | slack).
 * Undefined when neither is set.
 */
export function readEventsConfig(env: Env = process.env): EventsConfig | undefined {
  const file = env.FINETUNE_EVENTS_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new EventsConfigError(
        `FINETUNE_EVENTS_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new EventsConfigError(
        `FINETUNE_EVENTS_FILE: ${file} is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    return parseEventsConfig(raw, `FINETUNE_EVENTS_FILE (${file})`, env);
  }
  const url = env.FINETUNE_EVENTS_URL?.trim();
  if (!url) return undefined;
  return parseEventsConfig(
    {
      ...(env.FINETUNE_UI_URL ? { uiUrl: env.FINETUNE_UI_URL } : {}),
      endpoints: [
        {
          name: 'default',
          url,
          ...(env.FINETUNE_EVENTS_SECRET ? { secretEnv: 'FINETUNE_EVENTS_SECRET' } : {}),
          ...(env.FINETUNE_EVENTS_FORMAT ? { format: env.FINETUNE_EVENTS_FORMAT } : {}),
        },
      ],
    },
    'FINETUNE_EVENTS_URL / FINETUNE_EVENTS_SECRET / FINETUNE_EVENTS_FORMAT',
    env,
  );
}

/** Validates settings from anywhere (a file, the environment, a test or the sandbox). */
export function parseEventsConfig(raw: unknown, source: string, env: Env = {}): EventsConfig {
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new EventsConfigError(`${source}: ${issues.join('; ')}`);
  }
  const endpoints = parsed.data.endpoints.map((e, i): EventEndpoint => {
    const where = `${source}: endpoints.${i} (${e.name})`;
    if (e.secret && e.secretEnv)
      throw new EventsConfigError(`${where}: set secret or secretEnv, not both`);
    let secret = e.secret;
    if (e.secretEnv) {
      const value = env[e.secretEnv];
      if (!value) throw new EventsConfigError(`${where}: ${e.secretEnv} is not set`);
      const ok = signingSecret.safeParse(value);
      if (!ok.success)
        throw new EventsConfigError(`${where}: ${e.secretEnv} ${ok.error.issues[0]!.message}`);
      secret = value;
    }
    if (!secret && e.format === 'standard') {
      throw new EventsConfigError(
        `${where}: a standard endpoint needs a signing secret (secret: whsec_… or secretEnv), so receivers can verify events`,
      );
    }
    return {
      name: e.name,
      url: e.url,
      ...(secret ? { secret } : {}),
      format: e.format,
      events: e.events ?? EVENT_TYPES,
      giveUpAfterMs: e.giveUpAfterSeconds * 1000,
    };
  });
  const uiUrl = parsed.data.uiUrl?.replace(/\/+$/, '');
  return { ...(uiUrl ? { uiUrl } : {}), endpoints, digest: digestOf(uiUrl, endpoints) };
}

function digestOf(uiUrl: string | undefined, endpoints: EventEndpoint[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ uiUrl, endpoints }));
  return h.digest('hex').slice(0, 12);
}
