import { readFile } from 'node:fs/promises';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import {
  ENTITY,
  SHORT_JOBS,
  TRAIN_PATH,
  VALID_PATH,
  artifactFileText,
  createJob,
  expectedLine,
  jsonlRecords,
  openaiFor,
  outcomeOf,
  refNames,
  resultsRowsOf,
  runOf,
  runSync,
  timeless,
  uploadSample,
  versionsOf,
  waitForJob,
  wandbClientFor,
  type SampleFiles,
} from './support/wandbHelpers.js';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** WandbLogger's parity checklist for one succeeded job with train + valid, and failed/cancelled jobs. */
describe('W&B sync: what one job looks like in W&B', () => {
  let h: Harness;
  let openai: OpenAI;
  let files: SampleFiles;
  beforeAll(async () => {
    // 20 steps: validation every second step, so half the rows have empty validation cells.
    h = await startHarness({
      ...SHORT_JOBS,
      steps: 20,
      failTraining: (job) => job.suffix === 'fail-me',
    });
    await h.startWorker();
    openai = openaiFor(h);
    files = await uploadSample(openai);
  });
  afterAll(() => h?.close());

  it('a succeeded job with train + valid files matches the parity checklist', async () => {
    const project = 'parity';
    const jobId = await createJob(openai, files);
    const result = await runSync(h, { fineTuneJobId: jobId, project });
    const job = await openai.fineTuning.jobs.retrieve(jobId);
    const rows = await resultsRowsOf(openai, jobId);
    const [nTrain, nValid] = await Promise.all([
      jsonlRecords(TRAIN_PATH),
      jsonlRecords(VALID_PATH),
    ]);

    const outcome = outcomeOf(result, jobId);
    expect(outcome).toMatchObject({
      outcome: 'synced',
      jobStatus: 'succeeded',
      runPath: `${ENTITY}/${project}/${jobId}`,
      historyRows: rows.length,
    });

    // The run: id and name are the job id, job type fine-tune, finished with exit code 0.
    const run = runOf(h, project, jobId);
    expect(run.name).toBe(jobId);
    expect(run.displayName).toBe(jobId);
    expect(run.jobType).toBe('fine-tune');
    expect(run.state).toBe('finished');
    expect(run.exitcode).toBe(0);
    // The run files the Python SDK leaves, uploaded and reported on the file stream.
    const runFiles = ['config.yaml', 'wandb-summary.json', 'wandb-metadata.json'];
    expect(run.files.map((f) => f.name)).toEqual(expect.arrayContaining(runFiles));
    expect(run.reportedUploaded).toEqual(expect.arrayContaining(runFiles));

    // Config: the job's fields as JSON, times in UTC, the first results file, n_train / n_valid.
    expect(run.config).toMatchObject({
      id: jobId,
      model: job.model,
      status: 'succeeded',
      training_file: files.training,
      validation_file: files.validation,
      fine_tuned_model: job.fine_tuned_model,
      result_files: job.result_files[0],
      trained_tokens: job.trained_tokens,
      seed: job.seed,
      hyperparameters: JSON.parse(JSON.stringify(job.hyperparameters)) as unknown,
      method: JSON.parse(JSON.stringify(job.method)) as unknown,
      error: null,
      n_train: nTrain,
      n_valid: nValid,
    });
    expect(run.config.created_at).toMatch(ISO_UTC);
    expect(run.config.created_at).toBe(isoOf(job.created_at));
    expect(run.config.finished_at).toBe(isoOf(job.finished_at!));

    // History: one line per CSV row, `_step` = OpenAI's step, empty cells absent.
    expect(run.history).toHaveLength(rows.length);
    expect(run.history.map(timeless)).toEqual(rows.map(expectedLine));
    for (const line of run.history) {
      expect(typeof line._runtime).toBe('number');
      expect(typeof line._timestamp).toBe('number');
    }
    const sparse = rows.filter((r) => r.valid_loss === '');
    expect(sparse.length).toBeGreaterThan(0); // the vector is really exercised
    for (const row of sparse) {
      const line = run.history.find((l) => l._step === Number(row.step))!;
      expect(line).not.toHaveProperty('valid_loss');
      expect(line).not.toHaveProperty('valid_mean_token_accuracy');
      expect(line.train_loss).toBe(Number(row.train_loss));
    }

    // Summary: the outcome, the model, the last value of every metric (last non-empty for sparse).
    const last = rows[rows.length - 1]!;
    const lastValid = [...rows].reverse().find((r) => r.valid_loss !== '')!;
    expect(run.summary).toMatchObject({
      status: 'succeeded',
      fine_tuned_model: job.fine_tuned_model,
      train_loss: Number(last.train_loss),
      valid_loss: Number(lastValid.valid_loss),
      _step: Number(last.step),
    });
    // The same summary over HTTP, as a reader of the W&B API sees it.
    const viaApi = await wandbClientFor(h).getRun({ entity: ENTITY, project, runId: jobId });
    expect(viaApi?.summary.status).toBe('succeeded');
    expect(viaApi?.state).toBe('finished');

    // Inputs: train-<file id> (training_files) and valid-<file id> (validation_files).
    const trainName = `train-${files.training}`;
    const validName = `valid-${files.validation}`;
    expect(refNames(run.inputs)).toEqual([`${trainName}:v0`, `${validName}:v0`].sort());
    expect(run.inputs.find((i) => i.name.startsWith(trainName))?.type).toBe('training_files');
    expect(run.inputs.find((i) => i.name.startsWith(validName))?.type).toBe('validation_files');
    for (const [name, fileId, items] of [
      [trainName, files.training, nTrain],
      [validName, files.validation, nValid],
    ] as const) {
      const versions = versionsOf(h, project, name);
      expect(versions).toHaveLength(1);
      const v = versions[0]!;
      expect(v.state).toBe('COMMITTED');
      expect(v.aliases).toEqual(expect.arrayContaining(['latest', fileId]));
      expect(v.files.map((f) => f.path).sort()).toEqual([fileId, `${fileId}.table.json`]);
      expect(v.metadata?.items).toBe(items);
      expect(v.usedByRuns).toContain(jobId);
      const table = JSON.parse(await artifactFileText(h, v.id, `${fileId}.table.json`)) as {
        _type: string;
        data: unknown[][];
      };
      expect(table._type).toBe('table');
      expect(table.data).toHaveLength(items);
    }
    // The sample has multi-turn chats: WandbLogger's 3-message table would have lost them all.
    const turns = (await readFile(TRAIN_PATH, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { messages: unknown[] }).messages.length);
    expect(turns.some((n) => n !== 3)).toBe(true);

    // Output: model-metadata, alias = job id, model_metadata.json as real nested JSON.
    expect(refNames(run.outputs)).toEqual(['model-metadata:v0']);
    const [model] = versionsOf(h, project, 'model-metadata');
    expect(model?.type).toBe('model');
    expect(model?.aliases).toEqual(expect.arrayContaining(['latest', jobId]));
    expect(model?.createdByRun).toBe(jobId);
    const metadata = JSON.parse(
      await artifactFileText(h, model!.id, 'model_metadata.json'),
    ) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      id: jobId,
      status: 'succeeded',
      fine_tuned_model: job.fine_tuned_model,
      created_at: job.created_at,
      result_files: job.result_files,
      error: null,
      hyperparameters: JSON.parse(JSON.stringify(job.hyperparameters)) as unknown,
    });
    // Not Python repr: nested values are objects, nulls are null.
    expect(typeof metadata.hyperparameters).toBe('object');
    expect(typeof metadata.method).toBe('object');
    expect(JSON.stringify(metadata)).not.toMatch(/"None"|\{'/);
  });

  it('a failed job: run finished with status failed, the error, a non-zero exit code', async () => {
    const project = 'outcomes';
    const jobId = await createJob(openai, files, { suffix: 'fail-me' });
    const result = await runSync(h, { fineTuneJobId: jobId, project });
    const job = await openai.fineTuning.jobs.retrieve(jobId);
    expect(job.status).toBe('failed');
    const error = { code: job.error?.code, message: job.error?.message };
    expect(error.code).toBeTruthy();

    expect(outcomeOf(result, jobId)).toMatchObject({
      outcome: 'synced',
      jobStatus: 'failed',
      error,
    });
    const run = runOf(h, project, jobId);
    expect(run.state).toBe('failed');
    expect(run.exitcode).not.toBe(0);
    expect(run.summary.status).toBe('failed');
    expect(run.summary.error).toMatchObject(error);
    expect(run.summary).not.toHaveProperty('fine_tuned_model');
    expect(run.config.status).toBe('failed');
    // The datasets are still logged (what it trained on); no model came out, so no model artifact.
    expect(run.inputs).toHaveLength(2);
    expect(run.outputs).toEqual([]);
    expect(versionsOf(h, project, 'model-metadata')).toEqual([]);

    // Not "already synced" (only a succeeded run is): a second sync logs it again, adding nothing.
    const again = await runSync(h, { fineTuneJobId: jobId, project });
    expect(outcomeOf(again, jobId)).toMatchObject({ outcome: 'synced', jobStatus: 'failed' });
    const rerun = runOf(h, project, jobId);
    expect(rerun.state).toBe('failed');
    expect(refNames(rerun.inputs)).toEqual(refNames(run.inputs));
    for (const name of [`train-${files.training}`, `valid-${files.validation}`]) {
      expect(versionsOf(h, project, name)).toHaveLength(1);
    }
  });

  it('a cancelled job: run finished with status cancelled and a non-zero exit code', async () => {
    const project = 'outcomes-cancelled';
    const jobId = await createJob(openai, files);
    await openai.fineTuning.jobs.cancel(jobId);
    await waitForJob(openai, jobId);
    const result = await runSync(h, { fineTuneJobId: jobId, project });

    expect(outcomeOf(result, jobId)).toMatchObject({ outcome: 'synced', jobStatus: 'cancelled' });
    const run = runOf(h, project, jobId);
    expect(run.state).toBe('failed');
    expect(run.exitcode).not.toBe(0);
    expect(run.summary.status).toBe('cancelled');
    expect(run.summary).not.toHaveProperty('fine_tuned_model');
    expect(run.history).toEqual([]);
    expect(run.outputs).toEqual([]);
  });
});
