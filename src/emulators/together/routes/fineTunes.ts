import type { FastifyInstance } from 'fastify';
import type { TogetherContext } from '../context.js';
import { notFound, spendingLimitReached, badRequest } from '../errors.js';
import { estimatePrice } from '../estimate.js';
import { createJob } from '../jobCreate.js';
import type { TogetherJobLifecycle } from '../jobLifecycle.js';
import { checkpointView, fullJobView, truncatedJobView } from '../jobViews.js';
import { eventView } from '../jobEvents.js';
import { metricsFilter, readGetBody, selectMetrics } from '../metricsQuery.js';
import { TERMINAL_JOB_STATUSES, type JobRecord } from '../records.js';

type IdParams = { Params: { id: string } };

function requireJob(ctx: TogetherContext, id: string): JobRecord {
  const job = ctx.jobs.get(id);
  if (!job) throw notFound(`Fine-tune job ${id} not found`, 'id');
  return job;
}

/** `/v1/fine-tunes…`: create, list (every job, no filters or pages), retrieve, cancel, delete, events, checkpoints, metrics, estimate. */
export function registerFineTuneRoutes(
  app: FastifyInstance,
  ctx: TogetherContext,
  lifecycle: TogetherJobLifecycle,
): void {
  app.post('/v1/fine-tunes', (req) => {
    if (ctx.settings.spendingLimitReached) throw spendingLimitReached();
    return truncatedJobView(createJob(ctx, lifecycle, req.body));
  });

  // Order is unspecified (facts sheet §6); oldest first here.
  app.get('/v1/fine-tunes', () => ({
    data: [...ctx.jobs.values()].sort((a, b) => a.seq - b.seq).map(truncatedJobView),
  }));

  app.post('/v1/fine-tunes/estimate-price', (req) => estimatePrice(ctx, req.body));

  app.get<IdParams>('/v1/fine-tunes/:id', (req) => fullJobView(requireJob(ctx, req.params.id)));

  app.post<IdParams>('/v1/fine-tunes/:id/cancel', (req) => {
    const job = requireJob(ctx, req.params.id);
    lifecycle.cancel(job);
    return truncatedJobView(job);
  });

  // `force` is deprecated and ignored. Deleting a job still in flight is refused (a guess).
  app.delete<IdParams>('/v1/fine-tunes/:id', (req) => {
    const job = requireJob(ctx, req.params.id);
    if (!TERMINAL_JOB_STATUSES.has(job.status)) {
      throw badRequest(
        `Fine-tune job ${job.id} is ${job.status}; cancel it before deleting it`,
        'id',
      );
    }
    ctx.jobs.delete(job.id);
    return { message: `Fine-tune job ${job.id} deleted` };
  });

  // The whole list every time, oldest first (no pagination, no `after`).
  app.get<IdParams>('/v1/fine-tunes/:id/events', (req) => {
    const job = requireJob(ctx, req.params.id);
    return { data: job.events.map((e) => eventView(job, e)) };
  });

  app.get<IdParams>('/v1/fine-tunes/:id/checkpoints', (req) => ({
    data: requireJob(ctx, req.params.id).checkpoints.map(checkpointView),
  }));

  app.get<IdParams & { Querystring: Record<string, unknown> }>(
    '/v1/fine-tunes/:id/metrics',
    async (req) => {
      const job = requireJob(ctx, req.params.id);
      const filter = metricsFilter(req.query, await readGetBody(req));
      return { metrics: selectMetrics(job.metrics, filter) };
    },
  );
}
