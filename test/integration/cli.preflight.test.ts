import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressQuery } from '../../src/workflows/definitions.js';
import { ROOT, runCli } from '../cli/support/runCli.js';
import { startHarness, type Harness } from './support/harness.js';

// `finetune start` as a person runs it (a process, the real CLI): it returns only once the
// pipeline has passed its pre-flight on the worker, and a doomed pipeline is an error, not an id.

const SAMPLE = join(ROOT, 'data/sample/train.jsonl');
const MODEL = 'gpt-4.1-mini-2025-04-14';
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('finetune start and the pipeline pre-flight', () => {
  let h: Harness;
  let dir: string;
  const started: string[] = [];
  beforeAll(async () => {
    [h, dir] = await Promise.all([
      startHarness({ durations: { validatingMs: 300, queuedMs: 300, runningMs: 60_000 } }, false),
      mkdtemp(join(tmpdir(), 'preflight-')),
    ]);
    await h.startWorker();
  });
  afterAll(async () => {
    for (const id of started)
      await h.client.workflow
        .getHandle(id)
        .terminate('test cleanup')
        .catch(() => undefined);
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = (args: string[]) => {
    const workflowId = `preflight-${randomUUID()}`;
    started.push(workflowId);
    const run = runCli(
      [
        'start',
        '--workflow-id',
        workflowId,
        '--task-queue',
        h.taskQueue,
        '--no-promotion',
        '--address',
        h.temporalAddress,
        ...args,
      ],
      { timeoutMs: 90_000 },
    );
    return run.then((r) => ({ ...r, workflowId }));
  };

  it('an unknown model: exit 1 with the provider\u2019s reason, and nothing uploaded', async () => {
    const r = await start(['--training', SAMPLE, '--model', 'gpt-5-turbo-x']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`started ${r.workflowId} on task queue "${h.taskQueue}"`);
    expect(r.stderr).toContain('validating the datasets on the worker');
    expect(r.stderr).toContain(
      `error: pipeline ${r.workflowId} failed its pre-flight: OpenAI does not know the model "gpt-5-turbo-x" (404)`,
    );
    expect(r.stderr).toContain('Nothing was uploaded, versioned or trained.');
    noStack(r.stderr);
    expect(h.openai.stats().filesCreated).toBe(0);
    const description = await h.client.workflow.getHandle(r.workflowId).describe();
    expect(description.status.name).toBe('FAILED');
  });

  it('a good start: the id once the pre-flight passed, with its steps on stderr', async () => {
    const r = await start(['--training', SAMPLE, '--model', MODEL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${r.workflowId}\n`);
    expect(r.stderr).toMatch(
      /pre-flight passed in [\d.]+ s: openai trains gpt-4\.1-mini-2025-04-14/,
    );
    expect(r.stderr).toMatch(/training price \$[\d.]+ \(our estimate from the token count\)/);
    expect(r.stderr).toContain(
      `watch it: npx finetune status ${r.workflowId} --watch --address ${h.temporalAddress}`,
    );
    const progress = await h.client.workflow.getHandle(r.workflowId).query(progressQuery);
    expect(progress.preflightPassed).toBe(true);
    expect(progress.stage).not.toBe('failed');
  });

  it('--json says what the pre-flight learnt; --detach returns before it', async () => {
    const json = await start(['--training', SAMPLE, '--model', MODEL, '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      workflowId: string;
      preflight: { passed: boolean; runway: { provider: string; ok: boolean } };
      estimatedCost: { currency: string; source: string } | null;
    };
    expect(parsed.workflowId).toBe(json.workflowId);
    expect(parsed.preflight).toMatchObject({
      passed: true,
      runway: { provider: 'openai', ok: true },
    });
    // OpenAI gives no estimate before a job: ours, from the token count.
    expect(parsed.estimatedCost).toMatchObject({ currency: 'USD', source: 'local' });
    expect(json.stderr).not.toContain('pre-flight');

    const detached = await start(['--training', SAMPLE, '--model', 'gpt-5-turbo-x', '--detach']);
    expect(detached.code).toBe(0);
    expect(detached.stdout).toBe(`${detached.workflowId}\n`);
    expect(detached.stderr).not.toContain('pre-flight');
  });

  it('an example whose final reply the context would cut off: refused here, and by the worker', async () => {
    const long = 'word '.repeat(70_000); // ~70k tokens, over the 65,536-token context of gpt-4.1-mini
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: i === 3 ? `Summarise: ${long}` : `Question ${i}?` },
          { role: 'assistant', content: `Answer ${i}.` },
        ],
      }),
    );
    const path = join(dir, 'lost-reply.jsonl');
    await writeFile(path, `${lines.join('\n')}\n`);

    const here = await start(['--training', path, '--model', MODEL]);
    expect(here.code).toBe(1);
    expect(here.stderr).toMatch(/line 4 has \d+ tokens, over the 65536-token training context/);
    expect(here.stderr).toContain('Nothing was started');
    await expect(h.client.workflow.getHandle(here.workflowId).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );

    const worker = await start(['--training', path, '--model', MODEL, '--no-local-check']);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain(`pipeline ${worker.workflowId} failed its pre-flight`);
    expect(worker.stderr).toMatch(/line 4 has \d+ tokens/);
    noStack(worker.stderr);
  });
});
