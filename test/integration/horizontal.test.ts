import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePollers } from '../../src/client/pollers.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import type { PipelineResult } from '../../src/shared/types.js';
import { eventually, startHarness, TEST_WANDB_KEY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import {
  ENTITY,
  FAST_WAIT,
  SHORT_JOBS,
  TRAIN_PATH,
  VALID_PATH,
  expectedLine,
  openaiFor,
  refNames,
  resultsRowsOf,
  runOf,
  timeless,
  versionsOf,
} from './support/wandbHelpers.js';
import { spawnWorker, type WorkerProcess } from './support/workerProcess.js';

/** Pipelines started at once on the one task queue. */
const PIPELINES = 10;

/** Who did a piece of work, from one event of a history. */
interface WorkDone {
  workflowId: string;
  kind: 'workflowTask' | 'activity';
  identity: string;
  atMs: number;
}

/**
 * Every workflow task and activity a pipeline's history (and its children's) records, with the
 * identity of the worker that did it. ActivityTaskStarted holds the identity of the worker whose
 * attempt completed the activity; WorkflowTaskCompleted, of the worker that ran the task.
 */
async function workOf(h: Harness, workflowId: string): Promise<WorkDone[]> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const done: WorkDone[] = [];
  const children: string[] = [];
  for (const e of history.events ?? []) {
    const atMs =
      Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
    const task = e.workflowTaskCompletedEventAttributes?.identity;
    if (task) done.push({ workflowId, kind: 'workflowTask', identity: task, atMs });
    const activity = e.activityTaskStartedEventAttributes?.identity;
    if (activity) done.push({ workflowId, kind: 'activity', identity: activity, atMs });
    const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution?.workflowId;
    if (child) children.push(child);
  }
  for (const child of children) done.push(...(await workOf(h, child)));
  return done;
}

/** A copy of the sample whose first user message is tagged: its own digest, so its own upload. */
async function taggedCopy(source: string, dest: string, tag: string): Promise<string> {
  const lines = (await readFile(source, 'utf8')).split('\n').filter((l) => l.trim());
  const first = JSON.parse(lines[0]!) as { messages: { role: string; content: string }[] };
  const user = first.messages.find((m) => m.role === 'user')!;
  user.content = `${user.content} (${tag})`;
  lines[0] = JSON.stringify(first);
  await writeFile(dest, `${lines.join('\n')}\n`);
  return dest;
}

/** Run names in a W&B project, through the emulator's GraphQL, as the W&B API lists them. */
async function runNames(h: Harness, project: string): Promise<string[]> {
  const res = await fetch(`${h.wandb!.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`api:${TEST_WANDB_KEY}`).toString('base64')}`,
    },
    body: JSON.stringify({
      query:
        'query($p: String, $e: String) { project(name: $p, entityName: $e) { runs(first: 100) { edges { node { name } } } } }',
      variables: { p: project, e: ENTITY },
    }),
  });
  const body = (await res.json()) as {
    data?: { project?: { runs?: { edges: { node: { name: string } }[] } } };
  };
  return (body.data?.project?.runs?.edges ?? []).map((e) => e.node.name);
}

// Temporal is the distributed engine: two workers on one task queue share the pipelines between
// them, and when one stops mid-run the other finishes its work, with nothing done twice.
describe('two workers on one task queue', () => {
  let h: Harness;
  let inProcess: Worker;
  let other: WorkerProcess | undefined;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness(SHORT_JOBS);
    dir = await mkdtemp(join(tmpdir(), 'horizontal-'));
  });
  afterAll(async () => {
    await other?.kill();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('share the load; one stops mid-run and the other finishes it: no duplicate job, file or W&B row', async () => {
    // Worker 1 in this process, worker 2 in a process of its own (`finetune worker`'s code path):
    // two identities (pid@host) the server sees polling the same queue.
    inProcess = await h.startWorker();
    const identity1 = inProcess.options.identity;
    other = spawnWorker(h);
    const identities = await eventually(
      'both workers to poll the task queue',
      async () => {
        const ids = new Set((await describePollers(h.client, h.taskQueue)).identities);
        return ids.size >= 2 ? ids : undefined;
      },
      60_000,
    );
    expect(identities).toContain(identity1);
    const identity2 = [...identities].find((id) => id !== identity1)!;

    // Each pipeline has datasets of its own (so each uploads two files) and a W&B project of its own.
    const inputs = await Promise.all(
      Array.from({ length: PIPELINES }, async (_, i) => {
        // Same file names as the sample (W&B names the dataset collections after them).
        const own = join(dir, String(i));
        await mkdir(own);
        const training = await taggedCopy(TRAIN_PATH, join(own, 'train.jsonl'), `hz ${i}`);
        const validation = await taggedCopy(VALID_PATH, join(own, 'valid.jsonl'), `hz ${i}`);
        return sampleInput(FAST_WAIT, {
          training: { path: training },
          validation: { path: validation },
          wandb: { project: `hz-${i}` },
        });
      }),
    );
    const started = await Promise.all(
      inputs.map((input) => startFineTunePipeline(h.client, input, { taskQueue: h.taskQueue })),
    );
    const results = Promise.all(started.map((s) => s.handle.result()));
    results.catch(() => undefined); // awaited below; no unhandled rejection while we wait

    // Mid-run, once half the datasets reached OpenAI: stop worker 1. Its in-flight activities are
    // cancelled after its 1 s grace and retried by worker 2; its cached workflows move there.
    await eventually(
      'half the uploads',
      () => (h.openai.stats().filesCreated >= PIPELINES ? true : undefined),
      60_000,
    );
    await h.stopWorker();
    const stoppedAt = Date.now();

    const done: PipelineResult[] = await results;
    expect(done.map((r) => r.status)).toEqual(Array(PIPELINES).fill('succeeded'));

    // Both workers did work, and after worker 1 stopped, only worker 2 did.
    const work = (await Promise.all(started.map((s) => workOf(h, s.workflowId)))).flat();
    const by = (id: string, kind: WorkDone['kind']) =>
      work.filter((w) => w.identity === id && w.kind === kind).length;
    expect(new Set(work.map((w) => w.identity))).toEqual(new Set([identity1, identity2]));
    for (const id of [identity1, identity2]) {
      expect(by(id, 'workflowTask')).toBeGreaterThan(0);
      expect(by(id, 'activity')).toBeGreaterThan(0);
    }
    expect(work.filter((w) => w.atMs > stoppedAt && w.identity === identity1)).toEqual([]);
    // Worker 2 picked up pipelines worker 1 had been running (their histories hold both).
    const shared = started.filter((s) => {
      const ids = new Set(work.filter((w) => w.workflowId === s.workflowId).map((w) => w.identity));
      return ids.size === 2;
    });
    expect(shared.length).toBeGreaterThan(0);

    // OpenAI: one job per pipeline, two files per pipeline (no upload twice, no multipart retry).
    const stats = h.openai.stats();
    expect(stats.jobsCreated).toBe(PIPELINES);
    expect(stats.filesCreated).toBe(2 * PIPELINES);
    expect(stats.uploadsCreated).toBe(0);
    expect(new Set(done.map((r) => r.jobId)).size).toBe(PIPELINES);
    expect(new Set(done.flatMap((r) => r.files.map((f) => f.fileId))).size).toBe(2 * PIPELINES);

    // W&B: per pipeline one run (named after its job), one version of each dataset and of the
    // model metadata, and the history one line per results row: no step logged twice.
    const openai = openaiFor(h);
    for (const [i, r] of done.entries()) {
      const project = `hz-${i}`;
      expect(r.wandb.errors).toEqual([]);
      // The fine-tune's run and the one versioning run per dataset digest (as the SDK's "auto"
      // run): nothing else, e.g. no second run for a job created twice.
      const datasetRuns = r.datasets.map((d) => `dataset-${d.digest.slice(0, 16)}`);
      expect((await runNames(h, project)).sort()).toEqual([r.jobId, ...datasetRuns].sort());
      const run = runOf(h, project, r.jobId);
      expect(run.state).toBe('finished');
      const rows = await resultsRowsOf(openai, r.jobId);
      expect(rows.length).toBeGreaterThan(0);
      expect(run.history.map(timeless)).toEqual(rows.map(expectedLine));
      const steps = run.history.map((l) => l._step);
      expect(new Set(steps).size).toBe(steps.length);
      expect(refNames(run.inputs)).toEqual(['train:v0', 'valid:v0']);
      expect(refNames(run.outputs)).toEqual(['model-metadata:v0']);
      for (const collection of ['train', 'valid', 'model-metadata']) {
        expect(versionsOf(h, project, collection)).toHaveLength(1);
      }
    }
  });
});
