// bench:wait's Together row: the same pipelines on the Together emulator, through the Together
// provider — no webhooks, so the adaptive poll alone, guided by Together's time to the next state
// (`progress.seconds_remaining`). The worker runs in the bench process (the bench's worker
// process is wired for OpenAI's settings).
import type { Client } from '@temporalio/client';
import Together from 'together-ai';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { buildLocalStack } from '../src/localStack/index.js';
import type { WaitPolicy } from '../src/shared/types.js';
import { awaitWorkflowIdFor, type awaitFineTuneJob } from '../src/workflows/awaitFineTuneJob.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

/** The calls a wait makes: the job, and its metrics while it trains. */
const WAIT_ROUTES = ['GET /v1/fine-tunes/:id', 'GET /v1/fine-tunes/:id/metrics'];
const KEY = 'together-bench';

export interface TogetherRun {
  latenciesMs: number[];
  terminalsAt: number[];
  callsPerJob: number;
  failures: number;
}

export async function runTogetherWait(o: {
  address: string;
  jobs: number;
  /** Together's own durations are compressed by this (its emulator's timeScale). */
  scale: number;
  jobMinutes: number;
  policy: WaitPolicy;
  startSpreadMs: number;
}): Promise<TogetherRun> {
  const taskQueue = `bench-wait-together-${Date.now()}`;
  const stack = await buildLocalStack({
    sdkLogs: 'silent',
    temporal: { address: o.address },
    together: {
      apiKey: KEY,
      timeScale: o.scale,
      durations: { queuedMs: 5 * 60_000, runningMs: o.jobMinutes * 60_000 },
      steps: 100,
    },
    worker: { taskQueue },
  });
  const client: Client = stack.client;
  const emu = stack.together!;
  const api = new Together({ apiKey: KEY, baseURL: emu.baseURL, maxRetries: 2 });
  try {
    const started = await Promise.all(
      Array.from({ length: o.jobs }, async (_, i) => {
        if (o.startSpreadMs > 0) await new Promise((r) => setTimeout(r, i * o.startSpreadMs));
        return startFineTunePipeline(
          client,
          sampleInput(o.policy, { model: 'Qwen/Qwen3-8B', suffix: 'bench' }),
          { taskQueue },
        );
      }),
    );
    let failures = 0;
    const jobIds = await Promise.all(
      started.map((s) =>
        s.handle.result().then(
          (r) => r.jobId,
          (err: unknown) => {
            if (failures++ === 0) console.error('together: first failure:', err);
            return undefined;
          },
        ),
      ),
    );
    const calls = WAIT_ROUTES.reduce((sum, r) => sum + (emu.stats().requests[r] ?? 0), 0);
    const latenciesMs: number[] = [];
    const terminalsAt: number[] = [];
    for (const jobId of jobIds) {
      if (jobId === undefined) continue;
      const waitHandle = client.workflow.getHandle<typeof awaitFineTuneJob>(
        awaitWorkflowIdFor(jobId),
      );
      const waited = await waitHandle.result();
      const closedAt = (await waitHandle.describe()).closeTime?.getTime();
      // Together's `updated_at` of a completed job is when it completed (wall clock).
      const terminalAt = Date.parse((await api.fineTuning.retrieve(jobId)).updated_at ?? '');
      if (closedAt === undefined || Number.isNaN(terminalAt)) continue;
      terminalsAt.push(terminalAt);
      latenciesMs.push(Math.max(0, Math.max(closedAt, waited.detectedAtMs) - terminalAt));
    }
    return { latenciesMs, terminalsAt, callsPerJob: calls / o.jobs, failures };
  } finally {
    await stack.stop();
  }
}
