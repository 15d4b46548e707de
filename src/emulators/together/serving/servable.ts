import type { CatalogModel } from '../catalog.js';
import type { TogetherContext } from '../context.js';
import type { JobRecord } from '../records.js';

/** A model a dedicated endpoint can host: a catalogue model, or a completed job's output. */
export interface Servable {
  /** What chat completions answer as (`model` in the response). */
  name: string;
  base: CatalogModel;
  job: JobRecord | null;
}

/** By name: a catalogue model, or a completed job's `model_output_name`. */
export function servableByName(ctx: TogetherContext, name: string): Servable | undefined {
  const base = ctx.catalog.get(name);
  if (base) return { name, base, job: null };
  return fromJob(ctx, (j) => j.outputName === name);
}

/** By registry id (`ml_…`): a completed job's model object (v2 deploys fine-tunes by id). */
export function servableByObjectId(ctx: TogetherContext, objectId: string): Servable | undefined {
  return fromJob(ctx, (j) => j.modelObject.id === objectId);
}

function fromJob(ctx: TogetherContext, match: (job: JobRecord) => boolean): Servable | undefined {
  for (const job of ctx.jobs.values()) {
    if (job.status !== 'completed' || !match(job)) continue;
    const base = ctx.catalog.get(job.request.model);
    if (base) return { name: job.outputName, base, job };
  }
  return undefined;
}
