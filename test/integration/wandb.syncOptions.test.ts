import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_DEFAULTS } from '../../src/shared/syncTypes.js';
import { startHarness, type Harness } from './support/harness.js';
import {
  ENTITY,
  SHORT_JOBS,
  createJob,
  openaiFor,
  outcomeOf,
  refNames,
  runOf,
  runSync,
  stateOf,
  uploadSample,
  versionsOf,
  waitForJob,
  type SampleFiles,
} from './support/wandbHelpers.js';

/** Every `WandbLogger.sync()` option, each checked against what landed in the W&B emulator. */
describe('W&B sync options', () => {
  let h: Harness;
  let openai: OpenAI;
  let files: SampleFiles;
  /** Three succeeded jobs, oldest first. */
  let jobs: string[];
  beforeAll(async () => {
    h = await startHarness(SHORT_JOBS);
    await h.startWorker();
    openai = openaiFor(h);
    files = await uploadSample(openai);
    jobs = [];
    for (const suffix of ['first', 'second', 'third'])
      jobs.push(await createJob(openai, files, { suffix }));
    await Promise.all(jobs.map((id) => waitForJob(openai, id)));
  });
  afterAll(() => h?.close());

  const hasRun = (project: string, jobId: string, entity = ENTITY) =>
    stateOf(h).run(entity, project, jobId) !== undefined;

  it('no job id and no number: every job, into the default project', async () => {
    const listed: string[] = [];
    for await (const job of openai.fineTuning.jobs.list({ limit: 2 })) listed.push(job.id);
    expect(listed).toHaveLength(jobs.length);

    const result = await runSync(h, {});
    expect(result.target.project).toBe(SYNC_DEFAULTS.project);
    expect(result.synced).toBe(jobs.length);
    expect(result.jobs.map((j) => j.jobId).sort()).toEqual([...jobs].sort());
    for (const jobId of jobs) {
      const run = runOf(h, SYNC_DEFAULTS.project, jobId);
      expect(run.state).toBe('finished');
      expect(run.history.length).toBeGreaterThan(0);
    }
    // Every job's model metadata is a version of the one collection, each with its job id alias.
    const models = versionsOf(h, SYNC_DEFAULTS.project, SYNC_DEFAULTS.modelArtifactName);
    expect(models).toHaveLength(jobs.length);
    for (const jobId of jobs) expect(models.some((m) => m.aliases.includes(jobId))).toBe(true);
  });

  it('fineTuneJobId: only that job', async () => {
    const project = 'opt-one';
    const result = await runSync(h, { fineTuneJobId: jobs[0], project });
    expect(result.jobs.map((j) => j.jobId)).toEqual([jobs[0]]);
    expect(hasRun(project, jobs[0]!)).toBe(true);
    expect(hasRun(project, jobs[1]!)).toBe(false);
    expect(hasRun(project, jobs[2]!)).toBe(false);
  });

  it('numFineTunes: 2 takes the two newest jobs (WandbLogger took the oldest of its page)', async () => {
    const project = 'opt-newest';
    const result = await runSync(h, { numFineTunes: 2, project });
    expect(result.jobs.map((j) => j.jobId)).toEqual([jobs[2], jobs[1]]);
    expect(result.synced).toBe(2);
    expect(hasRun(project, jobs[2]!)).toBe(true);
    expect(hasRun(project, jobs[1]!)).toBe(true);
    expect(hasRun(project, jobs[0]!)).toBe(false);
  });

  it('project and entity are where everything goes', async () => {
    const project = 'custom-project';
    const entity = 'team-x';
    const result = await runSync(h, { fineTuneJobId: jobs[1], project, entity });
    expect(outcomeOf(result, jobs[1]!)).toMatchObject({
      outcome: 'synced',
      runPath: `${entity}/${project}/${jobs[1]}`,
    });
    const run = stateOf(h).run(entity, project, jobs[1]!);
    expect(run?.state).toBe('finished');
    expect(run?.inputs).toHaveLength(2);
    expect(stateOf(h).artifactVersions(entity, project, 'model-metadata')).toHaveLength(1);
    expect(hasRun(project, jobs[1]!)).toBe(false); // not in the viewer's own entity
  });

  it('overwrite off: a synced job is skipped with a reason, and the batch goes on', async () => {
    const project = 'opt-skip';
    await runSync(h, { fineTuneJobId: jobs[2], project });
    const before = runOf(h, project, jobs[2]!);
    const modelsBefore = versionsOf(h, project, 'model-metadata').length;

    // The skipped job is the newest: WandbLogger returned from sync() there and did nothing else.
    const result = await runSync(h, { numFineTunes: 3, project });
    expect(outcomeOf(result, jobs[2]!)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/already synced.*overwrite/) as unknown,
      runPath: `${ENTITY}/${project}/${jobs[2]}`,
    });
    expect(outcomeOf(result, jobs[1]!).outcome).toBe('synced');
    expect(outcomeOf(result, jobs[0]!).outcome).toBe('synced');
    expect(result).toMatchObject({ synced: 2, skipped: 1 });

    const after = runOf(h, project, jobs[2]!);
    expect(after.history).toEqual(before.history);
    expect(after.summary).toEqual(before.summary);
    expect(versionsOf(h, project, 'model-metadata')).toHaveLength(modelsBefore + 2);
  });

  it('overwrite on: re-logged without duplicate history, dataset or model versions', async () => {
    const project = 'opt-overwrite';
    const jobId = jobs[0]!;
    await runSync(h, { fineTuneJobId: jobId, project });
    const before = runOf(h, project, jobId);
    const graphqlBefore = stateOf(h).stats().graphql;

    const result = await runSync(h, { fineTuneJobId: jobId, project, overwrite: true });
    expect(outcomeOf(result, jobId).outcome).toBe('synced');
    const after = runOf(h, project, jobId);
    // It really wrote again (WandbLogger's overwrite re-created the run): history re-sent…
    expect(after.history.map((l) => l._timestamp)).not.toEqual(
      before.history.map((l) => l._timestamp),
    );
    // …at the same lines: same count, same steps and values.
    expect(after.history).toHaveLength(before.history.length);
    expect(after.history.map((l) => [l._step, l.train_loss])).toEqual(
      before.history.map((l) => [l._step, l.train_loss]),
    );
    expect(after.state).toBe('finished');
    expect(after.summary.status).toBe('succeeded');
    expect(after.config).toEqual(before.config);

    // Datasets were rebuilt and re-logged, but identical content is deduplicated: still v0 only.
    const graphqlAfter = stateOf(h).stats().graphql;
    expect(graphqlAfter.CreateArtifact ?? 0).toBeGreaterThan(graphqlBefore.CreateArtifact ?? 0);
    for (const name of [`train-${files.training}`, `valid-${files.validation}`]) {
      expect(versionsOf(h, project, name)).toHaveLength(1);
    }
    // The job did not change, so neither did its model metadata: no second version either.
    const models = versionsOf(h, project, 'model-metadata');
    expect(models).toHaveLength(1);
    expect(models[0]?.aliases).toEqual(expect.arrayContaining(['latest', jobId]));
    expect(refNames(after.inputs)).toEqual(refNames(before.inputs));
    expect(refNames(after.outputs)).toEqual(['model-metadata:v0']);
  });

  it('waitForJobSuccess off: a running job is skipped with a reason and no run is made', async () => {
    const project = 'opt-nowait';
    const jobId = await createJob(openai, files, { suffix: 'nowait' });
    const result = await runSync(h, { fineTuneJobId: jobId, project, waitForJobSuccess: false });
    expect(outcomeOf(result, jobId)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/not waiting.*waitForJobSuccess/) as unknown,
    });
    // WandbLogger opened an empty run first; nothing at all is written here.
    expect(hasRun(project, jobId)).toBe(false);
    expect(versionsOf(h, project, 'model-metadata')).toEqual([]);
    await waitForJob(openai, jobId);
  });

  it('logDatasets off: no train-/valid- artifacts, no n_train', async () => {
    const project = 'opt-nodata';
    const jobId = jobs[1]!;
    await runSync(h, { fineTuneJobId: jobId, project, logDatasets: false });
    const run = runOf(h, project, jobId);
    expect(run.inputs).toEqual([]);
    expect(versionsOf(h, project, `train-${files.training}`)).toEqual([]);
    expect(versionsOf(h, project, `valid-${files.validation}`)).toEqual([]);
    expect(run.config).not.toHaveProperty('n_train');
    expect(run.config).not.toHaveProperty('n_valid');
    expect(refNames(run.outputs)).toEqual(['model-metadata:v0']);
    expect(run.history.length).toBeGreaterThan(0);
  });

  it('modelArtifactName and modelArtifactType name the output', async () => {
    const project = 'opt-model';
    const jobId = jobs[2]!;
    await runSync(h, {
      fineTuneJobId: jobId,
      project,
      modelArtifactName: 'support-bot',
      modelArtifactType: 'fine-tuned-model',
    });
    const [model, ...more] = versionsOf(h, project, 'support-bot');
    expect(more).toEqual([]);
    expect(model?.type).toBe('fine-tuned-model');
    expect(model?.aliases).toEqual(expect.arrayContaining(['latest', jobId]));
    expect(model?.files.map((f) => f.path)).toEqual(['model_metadata.json']);
    expect(versionsOf(h, project, 'model-metadata')).toEqual([]);
    expect(runOf(h, project, jobId).outputs).toEqual([
      { id: model?.id, name: 'support-bot:v0', type: 'fine-tuned-model' },
    ]);
  });

  it('runOptions: tags, notes, group and extra config reach the run', async () => {
    const project = 'opt-run';
    const jobId = jobs[0]!;
    await runSync(h, {
      fineTuneJobId: jobId,
      project,
      runOptions: {
        tags: ['nightly', 'support'],
        notes: 'synced by the integration test',
        group: 'exp-42',
        config: { team: 'nlp', id: 'not-the-job-id' },
      },
    });
    const run = runOf(h, project, jobId);
    expect([...run.tags].sort()).toEqual(['nightly', 'support']);
    expect(run.notes).toBe('synced by the integration test');
    expect(run.group).toBe('exp-42');
    expect(run.config.team).toBe('nlp');
    expect(run.config.id).toBe(jobId); // the job's own fields win over extras
    expect(run.state).toBe('finished');
  });
});
