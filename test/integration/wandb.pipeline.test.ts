import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import type { PipelineResult } from '../../src/shared/types.js';
import { progressQuery } from '../../src/workflows/definitions.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';
import {
  ENTITY,
  FAST_WAIT,
  SHORT_JOBS,
  expectedLine,
  openaiFor,
  refNames,
  resultsRowsOf,
  runOf,
  stateOf,
  timeless,
  versionsOf,
} from './support/wandbHelpers.js';

const PROJECT = 'pipeline';
/** Long enough for several polls while training: live metrics must show before the end. */
const RUNNING_MS = 6000;

describe('the pipeline in W&B: versioned datasets, live metrics, lineage', () => {
  let h: Harness;
  let first: PipelineResult;
  beforeAll(async () => {
    h = await startHarness({
      ...SHORT_JOBS,
      durations: { ...SHORT_JOBS.durations, runningMs: RUNNING_MS },
      steps: 30,
    });
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const input = () => sampleInput(FAST_WAIT, { wandb: { project: PROJECT } });

  it('streams metrics while the job trains, then links dataset versions → run → model', async () => {
    const started = await startFineTunePipeline(h.client, input(), { taskQueue: h.taskQueue });
    const jobId = await eventually(
      'the job',
      async () => (await started.handle.query(progressQuery).catch(() => undefined))?.jobId,
      60_000,
    );
    // Live: the run's history grows while OpenAI still reports the job as running.
    const liveLines = await eventually(
      'live metrics in the W&B run during training',
      () => {
        const lines = stateOf(h).run(ENTITY, PROJECT, jobId)?.history.length ?? 0;
        const status = h.openai.jobTimeline(jobId)?.status;
        if (status !== 'running' && status !== 'queued' && status !== 'validating_files') {
          throw new Error(`the job reached ${status} before any live metrics reached W&B`);
        }
        return lines > 0 ? lines : undefined;
      },
      60_000,
    );
    expect(liveLines).toBeGreaterThan(0);

    first = await started.handle.result();
    expect(first.jobId).toBe(jobId);
    const w = first.wandb;
    expect(w.errors).toEqual([]);
    expect(w.runPath).toBe(`${ENTITY}/${PROJECT}/${jobId}`);
    expect(w.datasetVersions).toEqual([
      { role: 'training', ref: `${ENTITY}/${PROJECT}/train:v0`, created: true },
      { role: 'validation', ref: `${ENTITY}/${PROJECT}/valid:v0`, created: true },
    ]);

    // Each dataset version records the OpenAI file that holds its bytes.
    const [train] = versionsOf(h, PROJECT, 'train');
    const [valid] = versionsOf(h, PROJECT, 'valid');
    expect(train?.aliases).toEqual(expect.arrayContaining(['latest', first.files[0]!.fileId]));
    expect(valid?.aliases).toEqual(expect.arrayContaining(['latest', first.files[1]!.fileId]));
    expect(train?.type).toBe('dataset');

    // Lineage: dataset versions are the run's inputs, the model metadata its output.
    const run = runOf(h, PROJECT, jobId);
    expect(run.state).toBe('finished');
    expect(refNames(run.inputs)).toEqual(['train:v0', 'valid:v0']);
    expect(refNames(run.outputs)).toEqual(['model-metadata:v0']);
    expect(train?.usedByRuns).toContain(jobId);
    expect(valid?.usedByRuns).toContain(jobId);
    const [model] = versionsOf(h, PROJECT, 'model-metadata');
    expect(model?.createdByRun).toBe(jobId);
    expect(model?.aliases).toEqual(expect.arrayContaining(['latest', jobId]));
    // The pipeline's versions stand in for WandbLogger's per-file copies.
    expect(versionsOf(h, PROJECT, `train-${first.files[0]!.fileId}`)).toEqual([]);

    // The results file rewrote the live lines: one line per step, none twice.
    const rows = await resultsRowsOf(openaiFor(h), jobId);
    expect(run.history.map(timeless)).toEqual(rows.map(expectedLine));
    expect(run.summary.status).toBe('succeeded');
  });

  it('an unchanged dataset: nothing uploaded again and no new dataset version', async () => {
    expect(first).toBeDefined();
    const filesBefore = h.openai.stats().filesCreated;
    const started = await startFineTunePipeline(h.client, input(), { taskQueue: h.taskQueue });
    const second = await started.handle.result();

    expect(h.openai.stats().filesCreated).toBe(filesBefore);
    expect(second.files.map((f) => f.fileId)).toEqual(first.files.map((f) => f.fileId));
    expect(second.wandb.errors).toEqual([]);
    expect(second.wandb.datasetVersions).toEqual([
      { role: 'training', ref: `${ENTITY}/${PROJECT}/train:v0`, created: false },
      { role: 'validation', ref: `${ENTITY}/${PROJECT}/valid:v0`, created: false },
    ]);
    expect(versionsOf(h, PROJECT, 'train')).toHaveLength(1);
    expect(versionsOf(h, PROJECT, 'valid')).toHaveLength(1);

    // A new job, a new run on the same dataset versions, and the next model-metadata version.
    expect(second.jobId).not.toBe(first.jobId);
    const run = runOf(h, PROJECT, second.jobId);
    expect(refNames(run.inputs)).toEqual(['train:v0', 'valid:v0']);
    expect(refNames(run.outputs)).toEqual(['model-metadata:v1']);
    expect(versionsOf(h, PROJECT, 'train')[0]?.usedByRuns).toEqual(
      expect.arrayContaining([first.jobId, second.jobId]),
    );
  });
});
