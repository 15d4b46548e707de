import type { WorkflowHandle } from '@temporalio/client';
import { rootMessage } from '../shared/rootCause.js';
import type { PipelineProgress } from '../shared/types.js';
import { progressQuery } from '../workflows/definitions.js';

// A pipeline's pre-flight: the datasets validated on the worker and the provider's answer on the
// base model (can it still be trained, is the request one it takes). Nothing is uploaded or
// versioned before it passes, so a pipeline that fails it cost nothing: `finetune start` waits
// for it and reports a doomed pipeline at once.

export type PreflightOutcome =
  | { passed: true; progress: PipelineProgress }
  /** The pipeline ended in its pre-flight, with this failure; nothing was uploaded or trained. */
  | { passed: false; failure: string; execution: string };

/** What the pre-flight is doing now, for a progress line. */
export interface PreflightStep {
  text: string;
  /** The current activity's attempt, when it is being retried, and why the last one failed. */
  retry?: { attempt: number; lastFailure?: string };
}

/**
 * Whether a pipeline is past its pre-flight. `preflightPassed` says so in runs of this version;
 * for a worker that predates it, a runway report (recorded right after the check) or a stage past
 * validation says the same.
 */
export function preflightPassed(p: PipelineProgress): boolean {
  if (p.preflightPassed || p.runway) return true;
  return !['validating', 'failed', 'cancelled'].includes(p.stage);
}

function currentStep(p: PipelineProgress | undefined): string {
  if (!p || p.datasets.length === 0) return 'validating the datasets on the worker';
  return 'asking the provider whether it can train the base model';
}

/**
 * Polls the pipeline until its pre-flight passed or it ended, reporting each new step. Needs a
 * worker on the pipeline's queue (the progress query is answered by one).
 */
export async function waitForPreflight(
  handle: WorkflowHandle,
  opts: { pollMs?: number; onStep?: (step: PreflightStep) => void } = {},
): Promise<PreflightOutcome> {
  const pollMs = opts.pollMs ?? 250;
  let last = '';
  for (;;) {
    const description = await handle.describe();
    const progress = await handle.query(progressQuery).catch(() => undefined);
    if (progress && preflightPassed(progress)) return { passed: true, progress };
    const execution = description.status.name;
    if (execution !== 'RUNNING') {
      const failure = await handle.result().then(
        () => undefined,
        (err: unknown) => rootMessage(err),
      );
      // Completed without a progress to read (no worker to answer): it got past its pre-flight.
      if (failure === undefined && progress) return { passed: true, progress };
      return {
        passed: false,
        failure: failure ?? `the pipeline ended (${execution.toLowerCase()})`,
        execution,
      };
    }
    const pending = description.raw.pendingActivities?.[0];
    const attempt = pending?.attempt ?? 1;
    const step: PreflightStep = {
      text: currentStep(progress),
      ...(attempt > 1
        ? {
            retry: {
              attempt,
              ...(pending?.lastFailure?.message
                ? { lastFailure: pending.lastFailure.message }
                : {}),
            },
          }
        : {}),
    };
    const key = JSON.stringify(step);
    if (key !== last) {
      last = key;
      opts.onStep?.(step);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
