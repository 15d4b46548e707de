import type { Client } from '@temporalio/client';
import { childLogger } from '../logging.js';
import type { JobEventSignal } from '../shared/types.js';
import { jobEventSignal } from '../workflows/definitions.js';

const log = childLogger('webhooks');

/**
 * Signals the running waits on a job found through visibility (a `finetune sync` of the job,
 * runs from before waits were named after their job), except `exclude`. Returns how many.
 */
export async function signalWaitsInVisibility(
  client: Client,
  signal: JobEventSignal,
  exclude?: string,
): Promise<number> {
  const query = `WorkflowType = 'awaitFineTuneJob' AND FineTuneJobId = '${signal.jobId}' AND ExecutionStatus = 'Running'`;
  let n = 0;
  for await (const wf of client.workflow.list({ query })) {
    if (wf.workflowId === exclude) continue;
    await client.workflow.getHandle(wf.workflowId, wf.runId).signal(jobEventSignal, signal);
    n++;
  }
  return n;
}

export interface BackgroundFanOutOptions {
  /** How long after the direct signal to look (the burst it came in has been handled by then). */
  delayMs?: number;
  /** Queued look-ups kept at most; the oldest go first (those waits still have their poll). */
  maxQueued?: number;
  onSignalled?: (n: number) => void;
}

/**
 * The visibility look-up for the other waits on a job, off the webhook's path: once the
 * pipeline's own wait has been signalled by id, the delivery is answered at once and the look-up
 * runs later, one at a time, so a burst of webhooks does not load the server's visibility store
 * while the waits they woke are being handled. Best effort: a wait it misses still polls.
 */
export class BackgroundFanOut {
  private readonly queue: { signal: JobEventSignal; exclude: string }[] = [];
  private draining = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly opts: BackgroundFanOutOptions = {},
  ) {}

  enqueue(signal: JobEventSignal, exclude: string): void {
    if (this.closed) return;
    if (this.queue.length >= (this.opts.maxQueued ?? 10_000)) this.queue.shift();
    this.queue.push({ signal, exclude });
    if (this.draining) return;
    this.draining = true;
    this.idle = new Promise((resolve) => {
      this.timer = setTimeout(() => void this.drain().finally(resolve), this.opts.delayMs ?? 1000);
    });
  }

  /** Resolves once everything queued so far has been looked up (tests). */
  settled(): Promise<void> {
    return this.idle;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next && !this.closed; next = this.queue.shift()) {
      try {
        const n = await signalWaitsInVisibility(this.client, next.signal, next.exclude);
        if (n > 0) this.opts.onSignalled?.(n);
      } catch (err) {
        log.warn(
          { err: (err as Error).message, jobId: next.signal.jobId },
          'could not look up other waits on the job; they find the end by polling',
        );
      }
    }
    this.draining = false;
  }
}
