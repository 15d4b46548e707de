import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { childLogger } from '../logging.js';
import { FineTuneJobId } from '../shared/searchAttributes.js';
import type { JobEventSignal } from '../shared/types.js';
import { jobEventSignal } from '../workflows/definitions.js';

const log = childLogger('webhooks');

/** Job ids per visibility look-up: one query answers a whole burst of webhooks. */
export const MAX_JOBS_PER_LOOKUP = 100;

/**
 * Signals the running waits on these jobs found through visibility (a `finetune sync` of a job,
 * runs from before waits were named after their job), except the workflow ids in `exclude`, with
 * one query for all of them. Job ids must already be validated (they are quoted into the query).
 * Returns how many waits were signalled.
 */
export async function signalWaitsInVisibility(
  client: Client,
  signals: readonly JobEventSignal[],
  exclude: ReadonlySet<string> = new Set(),
): Promise<number> {
  const byJob = new Map<string, JobEventSignal[]>();
  for (const s of signals) byJob.set(s.jobId, [...(byJob.get(s.jobId) ?? []), s]);
  if (byJob.size === 0) return 0;
  const ids = [...byJob.keys()].map((id) => `'${id}'`).join(', ');
  const query = `WorkflowType = 'awaitFineTuneJob' AND FineTuneJobId IN (${ids}) AND ExecutionStatus = 'Running'`;
  let n = 0;
  for await (const wf of client.workflow.list({ query })) {
    if (exclude.has(wf.workflowId)) continue;
    const jobId = wf.typedSearchAttributes.get(FineTuneJobId);
    const handle = client.workflow.getHandle(wf.workflowId, wf.runId);
    // Each delivery is its own signal: the wait drops the repeats by delivery id.
    for (const signal of (jobId && byJob.get(jobId)) || []) {
      try {
        await handle.signal(jobEventSignal, signal);
        n++;
      } catch (err) {
        // It ended since the list was read: nothing to wake, and the rest still get theirs.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        break;
      }
    }
  }
  return n;
}

export interface BackgroundFanOutOptions {
  /** How long to gather deliveries before looking (the burst they came in is handled by then). */
  delayMs?: number;
  /** Queued look-ups kept at most; the oldest go first (those waits still have their poll). */
  maxQueued?: number;
  /** After each look-up: how many jobs it covered and how many waits it signalled. */
  onLookedUp?: (jobs: number, signalled: number) => void;
}

/**
 * The visibility look-up for the other waits on a job, off the webhook's path: once the
 * pipeline's own wait has been signalled by id, the delivery is answered at once; deliveries are
 * gathered for `delayMs` and looked up together in one query, so a burst of webhooks costs the
 * server's visibility store a few queries, not one each, while the waits they woke are handled.
 * Best effort: a wait it misses still polls.
 */
export class BackgroundFanOut {
  private readonly queue: { signal: JobEventSignal; exclude: string }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private looking = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly client: Client,
    private readonly opts: BackgroundFanOutOptions = {},
  ) {}

  enqueue(signal: JobEventSignal, exclude: string): void {
    if (this.closed) return;
    if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) this.queue.shift();
    this.queue.push({ signal, exclude });
    if (!this.timer && !this.looking) this.schedule();
  }

  /** Resolves once everything queued so far has been looked up (tests, shutdown). */
  settled(): Promise<void> {
    if (!this.timer && !this.looking) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    if (!this.looking) this.wakeIdleWaiters();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.lookUpBatch();
    }, this.opts.delayMs ?? 2000);
  }

  private async lookUpBatch(): Promise<void> {
    this.looking = true;
    const batch = this.queue.splice(0, MAX_JOBS_PER_LOOKUP);
    try {
      const n = await signalWaitsInVisibility(
        this.client,
        batch.map((b) => b.signal),
        new Set(batch.map((b) => b.exclude)),
      );
      this.opts.onLookedUp?.(batch.length, n);
    } catch (err) {
      log.warn(
        { err: (err as Error).message, jobs: batch.length },
        'could not look up other waits on the jobs; they find the end by polling',
      );
    } finally {
      this.looking = false;
      // What came in meanwhile waits its own gathering time: a burst stays a few queries.
      if (this.queue.length > 0 && !this.closed) this.schedule();
      else this.wakeIdleWaiters();
    }
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
