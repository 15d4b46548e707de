import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipelineStatus, startFineTunePipeline } from '../../src/client/pipeline.js';
import { describeReceivedEvent } from '../../src/events/describe.js';
import type { ReceivedEvent } from '../../src/events/receiver.js';
import { projectRoot } from '../../src/projectRoot.js';
import { runSandbox, sampleInput, type SandboxResult } from '../../src/sandbox/run.js';
import type { SandboxStack } from '../../src/sandbox/stack.js';
import { TASK_QUEUE } from '../../src/shared/types.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { eventually } from './support/harness.js';

const run = promisify(execFile);

/** A printed `npx finetune …` line as argv (single-quoted words kept whole). */
function argv(line: string): string[] {
  const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  expect(words.slice(0, 2)).toEqual(['npx', 'finetune']);
  return words.slice(2);
}

/** The printed command must carry its own address: none from this environment. */
function withoutTemporalEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('TEMPORAL_')) delete env[k];
  return env;
}

// The sandbox starts its own dev server, emulators and worker: the real thing, not the shared
// integration server. One sandbox serves both tests; the second uses it as `--keep` leaves it.
describe('finetune sandbox', () => {
  let result: SandboxResult;
  let stack: SandboxStack | undefined;
  let client: Client | undefined;
  /** The events the sandbox's receiver verified, as `finetune sandbox` gets them to print. */
  const received: ReceivedEvent[] = [];
  let secondWorkflowId = '';

  beforeAll(async () => {
    const ran = await runSandbox({
      ui: false,
      persist: false,
      runningSeconds: 1,
      dropWebhooks: false,
      keep: true,
      // What `finetune sandbox --json` passes.
      autoApprove: { by: 'sandbox', comment: 'finetune sandbox --json' },
      onEvent: (e) => received.push(e),
    });
    result = ran.result;
    stack = ran.stack;
  });
  afterAll(async () => {
    await client?.connection.close();
    await stack?.stop();
  });

  it('--json: trains, runs the gates, auto-approves as sandbox and promotes a model version', () => {
    expect(result.status).toBe('succeeded');
    expect(result.stage).toBe('promoted');
    expect(result.fineTunedModel).toMatch(/^ft:gpt-4\.1-mini-2025-04-14:/);
    expect(result.wandb.errors).toEqual([]);
    expect(result.wandb.runPath).toBeTruthy();
    expect(result.gates.map((g) => g.gate)).toEqual(['pii', 'tokenLimit', 'drift', 'eval']);
    for (const g of result.gates) {
      expect(g.verdict).toMatch(/^(pass|warn|skipped)$/);
      expect(g.summary).toBeTruthy();
    }
    expect(result.decision).toMatchObject({
      decision: 'approve',
      by: 'sandbox',
      how: 'auto',
      comment: 'finetune sandbox --json',
      // No approval policy: the name as typed, marked as not verified (no signed part).
      verified: false,
    });
    expect(result.signed).toBeUndefined();
    expect(result.promotion).toMatchObject({ promoted: true, alias: 'production' });
    expect(result.promotion!.modelVersion).toMatch(/\/model-metadata:v\d+$/);
    expect(result.promotion!.datasetVersions.map((d) => d.role).sort()).toEqual([
      'training',
      'validation',
    ]);
    // How to reach everything, the emulator keys included (they are not secrets).
    expect(result.where.taskQueue).toBe(TASK_QUEUE);
    expect(result.where.env.TEMPORAL_ADDRESS).toBe(result.where.temporalAddress);
    expect(result.where.env.WANDB_API_KEY ?? null).toBe(result.where.wandbKey);
    expect(result.where.keysNote).toMatch(/not (secrets|a secret)/);
    expect(result.kept?.pid).toBe(process.pid);
  });

  it('the kept sandbox works as printed: the default task queue and the printed approve command', async () => {
    const where = result.where;
    const connection = await Connection.connect({ address: where.temporalAddress });
    client = new Client({ connection, namespace: where.namespace });
    // What `finetune start --address …` does: no task queue given, so the CLI's default.
    const started = await startFineTunePipeline(client, sampleInput(), {
      workflowId: where.commands.next.workflowId,
    });
    secondWorkflowId = started.workflowId;
    const waiting = await eventually(
      'the started pipeline to reach awaiting_approval',
      async () => {
        const p = await started.handle.query(progressQuery);
        return p.stage === 'awaiting_approval' ? p : undefined;
      },
      90_000,
    );
    expect(waiting.jobId).toBeTruthy();
    expect(waiting.approval?.gates.length).toBe(4);

    // The approve command exactly as printed, from "another terminal" (a child process).
    const { stdout } = await run(
      process.execPath,
      [join(projectRoot(), 'bin', 'finetune.js'), ...argv(where.commands.next.approve)],
      { cwd: where.commands.cwd, env: withoutTemporalEnv() },
    );
    // The sandbox has no approval policy: the name is recorded as typed, and the output says so.
    expect(stdout).toMatch(
      /^approved by your-name \(name as typed, not verified\): "production" → .*model-metadata:v\d+/,
    );
    const status = await getPipelineStatus(client, started.workflowId);
    expect(status.execution).toBe('COMPLETED');
    expect(status.result?.stage).toBe('promoted');
    expect(status.result?.approval?.decision).toMatchObject({ by: 'your-name', how: 'update' });
    // The second promotion replaced the sandbox's own.
    expect(status.result?.approval?.promotion?.replaced).toBe(result.promotion!.modelVersion);
  });

  it("shows its pipelines' signed events as they arrive, one line each", async () => {
    const next = result.where.commands.next.workflowId;
    expect(secondWorkflowId).toBe(next); // the kept sandbox ran the printed command's pipeline
    const of = (workflowId: string) =>
      received.filter((e) => e.data.workflowId === workflowId).map((e) => e.type);
    const auto = await eventually(
      "the sandbox's own pipeline's events",
      () =>
        of(result.workflowId).includes('promotion.completed') ? of(result.workflowId) : undefined,
      30_000,
      100,
    );
    // Auto-approved: no request, a decision and the promotion, each once.
    expect(auto).toEqual(['approval.decided', 'promotion.completed']);
    const person = await eventually(
      "the kept sandbox's second pipeline's events",
      () => (of(next).includes('promotion.completed') ? of(next) : undefined),
      30_000,
      100,
    );
    expect(person).toEqual(['approval.requested', 'approval.decided', 'promotion.completed']);
    expect(received.every((e) => e.delivery === 1)).toBe(true);
    // The lines `finetune sandbox` prints under "event", as a person sees them.
    const lines = received.map(describeReceivedEvent);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\S+Z {2}promotion\.completed {5}Promoted: "production" → \S+\/model-metadata:v\d+$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\S+Z {2}approval\.decided {8}Approved by your-name \(update\): /),
    );
  });
});
