import { isCancellation } from '@temporalio/workflow';
import { rootMessage } from '../shared/rootCause.js';
import type { AwaitJobInput, JobSnapshot } from '../shared/types.js';
import { liveMetricsActivities } from './activityOptions.js';
import type { AwaitJobProgress } from './definitions.js';
import { isPermanent } from './failures.js';
import { LIVE_METRICS_RETRY_MS } from './wandbBudgets.js';

/**
 * Best effort, beside the wait: new training metrics go to the W&B run without the wait ever
 * awaiting them, so a webhook or the next poll is handled at once even while W&B hangs. One call
 * at a time; one that fails for now (W&B down) is tried again a minute later, one W&B refuses for
 * good (no run, a rejected key) stops the live view. The final sync writes the whole history.
 */
export class LiveMetrics {
  private inFlight = false;
  private gaveUp = false;
  private retryAtMs = 0;

  constructor(
    private readonly input: AwaitJobInput,
    private readonly state: AwaitJobProgress,
  ) {}

  /** Someone reads the run while it trains: polls stay frequent. */
  get on(): boolean {
    return this.input.live !== undefined && !this.gaveUp;
  }

  start(snap: JobSnapshot): void {
    const target = this.input.live?.target;
    const after = this.state.liveStep ?? 0;
    if (!target || this.gaveUp || this.inFlight || Date.now() < this.retryAtMs) return;
    if (snap.step === null || snap.step <= after) return;
    this.inFlight = true;
    // Settles in a later activation; a cancelled wait ends through its own awaits, not this one.
    void liveMetricsActivities
      .appendLiveMetrics({ target, jobId: this.input.jobId, afterStep: after })
      .then(
        ({ lastStep }) => {
          this.state.liveStep = lastStep;
          this.state.liveError = undefined;
        },
        (err: unknown) => {
          if (isCancellation(err)) return;
          this.state.liveError = rootMessage(err);
          if (isPermanent(err)) this.gaveUp = true;
          else this.retryAtMs = Date.now() + LIVE_METRICS_RETRY_MS;
        },
      )
      .finally(() => {
        this.inFlight = false;
      });
  }
}
