import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { notFound } from '../errors.js';
import { createJob } from '../jobCreate.js';
import { inListOrder } from '../jobListFilter.js';
import type { JobLifecycle } from '../jobLifecycle.js';
import { cursorPage, parseLimit, queryString } from '../pagination.js';
import type { JobRecord } from '../records.js';
import { checkpointView, eventView } from '../views.js';

type JobParams = { Params: { fine_tuning_job_id: string } };
type Query = Record<string, unknown>;

function requireJob(ctx: EmulatorContext, id: string): JobRecord {
  const job = ctx.jobs.get(id);
  if (!job) throw notFound(`Could not find fine-tuning job ${id}.`, 'fine_tuning_job_id');
  return job;
}

/** Jobs oldest first (creation order). */
function byCreation(ctx: EmulatorContext): JobRecord[] {
  return [...ctx.jobs.values()].sort((a, b) => a.seq - b.seq);
}

export function registerJobRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  lifecycle: JobLifecycle,
): void {
  const { prefix: p, jobs: rules } = ctx.flavor;
  const view = (job: JobRecord) => rules.view(job, ctx);

  app.post(`${p}/fine_tuning/jobs`, (req) => view(createJob(ctx, lifecycle, req.body)));

  app.get<{ Querystring: Query }>(`${p}/fine_tuning/jobs`, (req) => {
    const filter = rules.listFilter(req.query);
    const jobs = inListOrder(byCreation(ctx), rules.listOrder).filter(
      (job) => !filter || filter(job),
    );
    const page = cursorPage(
      jobs,
      queryString(req.query.after, 'after'),
      parseLimit(req.query.limit, 20, 100),
    );
    return { object: 'list', data: page.data.map(view), has_more: page.has_more };
  });

  app.get<JobParams>(`${p}/fine_tuning/jobs/:fine_tuning_job_id`, (req) =>
    view(requireJob(ctx, req.params.fine_tuning_job_id)),
  );

  app.post<JobParams>(`${p}/fine_tuning/jobs/:fine_tuning_job_id/cancel`, (req) => {
    const job = requireJob(ctx, req.params.fine_tuning_job_id);
    lifecycle.cancel(job);
    return view(job);
  });

  app.post<JobParams>(`${p}/fine_tuning/jobs/:fine_tuning_job_id/pause`, (req) => {
    const job = requireJob(ctx, req.params.fine_tuning_job_id);
    lifecycle.pause(job);
    return view(job);
  });

  app.post<JobParams>(`${p}/fine_tuning/jobs/:fine_tuning_job_id/resume`, (req) => {
    const job = requireJob(ctx, req.params.fine_tuning_job_id);
    lifecycle.resume(job);
    return view(job);
  });

  app.get<JobParams & { Querystring: Query }>(
    `${p}/fine_tuning/jobs/:fine_tuning_job_id/events`,
    (req) => {
      const job = requireJob(ctx, req.params.fine_tuning_job_id);
      const events = inListOrder(job.events, rules.listOrder);
      const page = cursorPage(
        events,
        queryString(req.query.after, 'after'),
        parseLimit(req.query.limit, 20, 100),
      );
      return { object: 'list', data: page.data.map(eventView), has_more: page.has_more };
    },
  );

  app.get<JobParams & { Querystring: Query }>(
    `${p}/fine_tuning/jobs/:fine_tuning_job_id/checkpoints`,
    (req) => {
      const job = requireJob(ctx, req.params.fine_tuning_job_id);
      const checkpoints = [...job.checkpoints].sort((a, b) => b.step - a.step);
      const page = cursorPage(
        checkpoints,
        queryString(req.query.after, 'after'),
        parseLimit(req.query.limit, 10, 100),
      );
      const data = page.data.map((c) => checkpointView(c, job.id));
      return {
        object: 'list',
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: page.has_more,
      };
    },
  );
}
