import OpenAI from 'openai';

/**
 * A servable model made from a job's checkpoint, as Nebius Token Factory's `/v0/models` answers
 * it. Every field but the name is read tolerantly: the shape is taken from Nebius's published
 * reference, not observed (docs/providers.md says what is unverified).
 */
export interface CustomModel {
  /** The full name a caller passes as `model` (Nebius: `<base>-LoRa:<name>-<tag>`). */
  name: string;
  /** `validating`, `active`, `error`, `deleted`, or whatever else the host sends. */
  status: string;
  source: string | null;
  baseModel: string | null;
  createdAt: number | null;
  reason: string | null;
}

export interface CreateCustomModel {
  name: string;
  base_model: string;
  /** `<job id>:<checkpoint id>` (Nebius's documented form). */
  source: string;
  description?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** One entry of the host's answer, or undefined when it names no model. */
export function parseCustomModel(raw: unknown): CustomModel | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  const name = str(o.name);
  if (!name) return undefined;
  const created = o.created_at;
  return {
    name,
    status: (str(o.status) ?? 'unknown').toLowerCase(),
    source:
      str(o.source) ??
      (str(o.job_id) && str(o.checkpoint_id)
        ? `${String(o.job_id)}:${String(o.checkpoint_id)}`
        : null),
    baseModel: str(o.base_model),
    createdAt:
      typeof created === 'number'
        ? created
        : typeof created === 'string'
          ? Math.floor(Date.parse(created) / 1000) || null
          : null,
    reason: str(o.status_reason),
  };
}

/** A list answer: a bare array (Nebius's reference) or `{data: [...]}` (OpenAI's list shape). */
function parseList(raw: unknown): CustomModel[] {
  const items = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object' && Array.isArray((raw as { data?: unknown }).data)
      ? (raw as { data: unknown[] }).data
      : [];
  return items.map(parseCustomModel).filter((m): m is CustomModel => m !== undefined);
}

/**
 * The deployment API beside the OpenAI-compatible one, called through the `openai` client (same
 * key, rate limiter and error classes; an absolute URL leaves its base path aside). A full name
 * with a slash (`vendor/name`) is sent as two path segments, the host's by-full-name route.
 */
export class CustomModels {
  constructor(
    private readonly client: OpenAI,
    /** The collection, e.g. https://api.tokenfactory.nebius.com/v0/models */
    private readonly url: string,
  ) {}

  private itemUrl(name: string): string {
    return `${this.url.replace(/\/+$/, '')}/${name.split('/').map(encodeURIComponent).join('/')}`;
  }

  async create(body: CreateCustomModel, signal?: AbortSignal): Promise<CustomModel> {
    const raw = await this.client.post<unknown>(this.url, {
      body,
      signal,
      maxRetries: 0,
    });
    const model = parseCustomModel(raw);
    if (!model) throw new Error(`the host's answer to creating ${body.name} names no model`);
    return model;
  }

  /** Undefined when the host no longer knows it (404). */
  async get(name: string, signal?: AbortSignal): Promise<CustomModel | undefined> {
    try {
      return parseCustomModel(await this.client.get<unknown>(this.itemUrl(name), { signal }));
    } catch (err) {
      if (err instanceof OpenAI.NotFoundError) return undefined;
      throw err;
    }
  }

  async list(signal?: AbortSignal): Promise<CustomModel[]> {
    return parseList(await this.client.get<unknown>(this.url, { signal }));
  }

  /** False when it was already gone. */
  async delete(name: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.client.delete<unknown>(this.itemUrl(name), { signal });
      return true;
    } catch (err) {
      if (err instanceof OpenAI.NotFoundError) return false;
      throw err;
    }
  }
}
