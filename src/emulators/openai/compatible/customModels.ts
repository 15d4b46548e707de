import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { ApiError, invalidRequest, notFound } from '../errors.js';
import type { CustomModelInfo } from '../flavor.js';
import type { JobRecord } from '../records.js';
import type { ResolvedCompatibleOptions } from './options.js';

/** A servable model made from a job's checkpoint (Nebius Token Factory's `/v0/models`). */
export interface CustomModelRecord {
  /** The full name callers pass as `model`: `<base>-LoRa:<short>-<tag>`. */
  name: string;
  short: string;
  baseModel: string;
  source: string;
  jobId: string;
  checkpointId: string;
  description: string | null;
  createdAtMs: number;
  /** Decided at creation: it ends in `error` instead of `active`. */
  fails: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The models, their status derived from the clock (no timers to restore after a restart). */
export class CustomModelStore {
  private readonly byName = new Map<string, CustomModelRecord>();

  constructor(private readonly options: ResolvedCompatibleOptions) {}

  status(m: CustomModelRecord, nowMs = Date.now()): 'validating' | 'active' | 'error' {
    if (nowMs - m.createdAtMs < this.options.validatingMs) return 'validating';
    return m.fails ? 'error' : 'active';
  }

  find(name: string): CustomModelRecord | undefined {
    return this.byName.get(name) ?? [...this.byName.values()].find((m) => m.short === name);
  }

  all(): CustomModelRecord[] {
    return [...this.byName.values()];
  }

  add(m: CustomModelRecord): void {
    this.byName.set(m.name, m);
  }

  remove(m: CustomModelRecord): void {
    this.byName.delete(m.name);
  }

  view(m: CustomModelRecord, status?: string) {
    const s = status ?? this.status(m);
    return {
      type: 'text2text',
      name: m.name,
      base_model: m.baseModel,
      source: m.source,
      description: m.description,
      created_at: Math.floor(m.createdAtMs / 1000),
      status: s,
      status_reason: s === 'error' ? 'the adapter could not be loaded on the base model' : null,
      job_id: m.jobId,
      checkpoint_id: m.checkpointId,
    };
  }

  info(m: CustomModelRecord): CustomModelInfo {
    return { name: m.name, short: m.short, source: m.source, status: this.status(m) };
  }

  snapshot(): CustomModelRecord[] {
    return this.all();
  }

  restore(saved: CustomModelRecord[] | undefined): void {
    for (const m of saved ?? []) this.byName.set(m.name, m);
  }
}

function checkpointOf(
  ctx: EmulatorContext,
  source: string,
): { job: JobRecord; checkpointId: string } {
  const i = source.indexOf(':');
  const job = i > 0 ? ctx.jobs.get(source.slice(0, i)) : undefined;
  const checkpointId = source.slice(i + 1);
  if (!job || job.status !== 'succeeded' || !job.checkpoints.some((c) => c.id === checkpointId)) {
    throw invalidRequest(
      `source ${source} is not a checkpoint of a succeeded fine-tuning job (expected <job id>:<checkpoint id>)`,
      'source',
    );
  }
  return { job, checkpointId };
}

/**
 * `POST /v0/models` (from `<job id>:<checkpoint id>`), `GET /v0/models`, `GET` and `DELETE
 * /v0/models/{name}` (a short name, or a full name as `{vendor}/{name}` when it has a slash).
 */
export function registerCustomModelRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  store: CustomModelStore,
  options: ResolvedCompatibleOptions,
): void {
  const named = (raw: string): CustomModelRecord => {
    const name = raw.split('/').map(decodeURIComponent).join('/');
    const m = store.find(name);
    if (!m) throw notFound(`Model ${name} not found`, 'name');
    return m;
  };

  app.post('/v0/models', (req) => {
    const body = req.body;
    if (!isObject(body)) throw invalidRequest('expected a JSON object');
    for (const key of ['name', 'base_model', 'source'] as const) {
      if (typeof body[key] !== 'string' || body[key] === '') {
        throw invalidRequest(`${key} is required`, key);
      }
    }
    const short = body.name as string;
    if (!/^[A-Za-z0-9-]{1,64}$/.test(short)) {
      throw invalidRequest('name may hold letters, digits and "-" (at most 64)', 'name');
    }
    const { job, checkpointId } = checkpointOf(ctx, body.source as string);
    if (body.base_model !== job.model) {
      throw invalidRequest(`base_model must be ${job.model}, the job's base`, 'base_model');
    }
    if (store.find(short)) {
      throw new ApiError(409, `A model named ${short} already exists`, 'conflict', 'name');
    }
    const m: CustomModelRecord = {
      name: `${job.model}-LoRa:${short}-${ctx.ids.modelTag().slice(0, 4).toLowerCase()}`,
      short,
      baseModel: job.model,
      source: body.source as string,
      jobId: job.id,
      checkpointId,
      description: typeof body.description === 'string' ? body.description : null,
      createdAtMs: Date.now(),
      fails: options.failActivation(short, { suffix: job.suffix }),
    };
    store.add(m);
    return store.view(m);
  });

  app.get('/v0/models', () => store.all().map((m) => store.view(m)));

  app.get<{ Params: { '*': string } }>('/v0/models/*', (req) => store.view(named(req.params['*'])));

  app.delete<{ Params: { '*': string } }>('/v0/models/*', (req) => {
    const m = named(req.params['*']);
    store.remove(m);
    return store.view(m, 'deleted');
  });
}
