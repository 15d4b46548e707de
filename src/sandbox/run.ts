import { join } from 'node:path';
import { getPipelineStatus, rootMessage, startFineTunePipeline } from '../client/pipeline.js';
import { renderStatus } from '../cli/render.js';
import { projectRoot } from '../projectRoot.js';
import type { PipelineInput } from '../shared/types.js';
import { startSandboxStack, SANDBOX_TASK_QUEUE, type SandboxStack } from './stack.js';

export interface SandboxOptions {
  ui: boolean;
  persist: boolean;
  runningSeconds: number;
  dropWebhooks: boolean;
  /** Called with a rendered status while the pipeline runs (for a terminal). */
  onProgress?: (rendered: string) => void;
  /** Called once everything is up, with where to watch. */
  onReady?: (where: SandboxWhere) => void;
}

export interface SandboxWhere {
  workflowId: string;
  temporalAddress: string;
  webUi?: string;
  openaiEmulator: string;
  wandb: string;
  webhookReceiver: string;
}

/** The one JSON object `finetune sandbox --json` prints. */
export interface SandboxResult {
  status: 'succeeded' | 'failed';
  workflowId: string;
  jobId: string | null;
  fineTunedModel: string | null;
  error?: string;
  where: SandboxWhere;
  wandb: {
    /** Where the data went: the local W&B emulator or the user's W&B server. */
    server: string;
    emulated: boolean;
    runPath: string | null;
    datasetVersions: { role: string; ref: string; created: boolean }[];
    artifacts: string[];
    errors: string[];
    skipped?: string;
  };
  datasets: { role: string; examples: number; billableTokens: number; digest: string }[];
  files: string[];
  webhooks: { accepted: number; signalled: number };
  wallMs: number;
}

export function sampleInput(): PipelineInput {
  const data = join(projectRoot(), 'data', 'sample');
  return {
    training: { path: join(data, 'train.jsonl') },
    validation: { path: join(data, 'valid.jsonl') },
    model: 'gpt-4.1-mini-2025-04-14',
    method: { type: 'supervised', hyperparameters: { n_epochs: 3 } },
    suffix: 'sandbox',
    // Short safety-net polls so progress shows while the emulated job trains.
    wait: { minPollMs: 1000, maxPollMs: 5000, progressPollMs: 1000 },
  };
}

/**
 * Runs a real pipeline end to end on this machine: a Temporal dev server (with its Web UI), the
 * OpenAI emulator, the webhook receiver and a worker, on the bundled sample dataset.
 */
export async function runSandbox(
  opts: SandboxOptions,
): Promise<{ result: SandboxResult; stack: SandboxStack }> {
  const began = Date.now();
  const runningMs = Math.max(1, opts.runningSeconds) * 1000;
  const stack = await startSandboxStack({
    ui: opts.ui,
    persist: opts.persist,
    dropWebhooks: opts.dropWebhooks,
    emulator: { durations: { validatingMs: 800, queuedMs: 800, runningMs }, steps: 30 },
  });
  try {
    const started = await startFineTunePipeline(stack.client, sampleInput(), {
      taskQueue: SANDBOX_TASK_QUEUE,
      workflowId: `sandbox-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    });
    const where: SandboxWhere = {
      workflowId: started.workflowId,
      temporalAddress: stack.server.address,
      webUi: stack.server.uiUrl
        ? `${stack.server.uiUrl}/namespaces/${stack.server.namespace}/workflows/${started.workflowId}`
        : undefined,
      openaiEmulator: `${stack.openai.url}/v1`,
      wandb: stack.wandb.emulated ? `${stack.wandb.baseUrl} (local emulator)` : stack.wandb.baseUrl,
      webhookReceiver: stack.receiver.url,
    };
    opts.onReady?.(where);
    const ticker = opts.onProgress
      ? startTicker(stack, started.workflowId, opts.onProgress)
      : undefined;
    let outcome: { ok: true; jobId: string; model: string } | { ok: false; error: string };
    try {
      const r = await started.handle.result();
      outcome = { ok: true, jobId: r.jobId, model: r.fineTunedModel };
    } catch (err) {
      outcome = { ok: false, error: rootMessage(err) };
    } finally {
      ticker?.stop();
    }
    const final = await getPipelineStatus(stack.client, started.workflowId);
    if (opts.onProgress) opts.onProgress(renderStatus(final, Date.now()));
    const progress = final.progress;
    const result: SandboxResult = {
      status: outcome.ok ? 'succeeded' : 'failed',
      workflowId: started.workflowId,
      jobId: outcome.ok ? outcome.jobId : (progress?.jobId ?? null),
      fineTunedModel: outcome.ok ? outcome.model : null,
      ...(outcome.ok ? {} : { error: outcome.error }),
      where,
      wandb: {
        server: stack.wandb.baseUrl,
        emulated: stack.wandb.emulated,
        runPath: progress?.wandb?.runPath ?? null,
        datasetVersions: progress?.wandb?.datasetVersions ?? [],
        artifacts: progress?.wandb?.artifacts ?? [],
        errors: progress?.wandb?.errors ?? [],
        ...(progress?.wandb?.skipped ? { skipped: progress.wandb.skipped } : {}),
      },
      datasets: (progress?.datasets ?? []).map((d) => ({
        role: d.role,
        examples: d.examples,
        billableTokens: d.billableTokens,
        digest: d.digest,
      })),
      files: (progress?.files ?? []).map((f) => f.fileId),
      webhooks: {
        accepted: stack.receiver.stats.accepted,
        signalled: stack.receiver.stats.signalled,
      },
      wallMs: Date.now() - began,
    };
    return { result, stack };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

function startTicker(
  stack: SandboxStack,
  workflowId: string,
  onProgress: (rendered: string) => void,
): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    getPipelineStatus(stack.client, workflowId)
      .then((s) => onProgress(renderStatus(s, Date.now())))
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 1000);
  return { stop: () => clearInterval(timer) };
}
