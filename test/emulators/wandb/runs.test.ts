import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type Edges } from './support/harness.js';

interface Upserted {
  upsertBucket: { bucket: { id: string }; inserted: boolean };
}
interface RunRead {
  project: { run: Record<string, unknown> | null };
}

const UPSERT = `mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $displayName: String,
  $jobType: String, $tags: [String!], $config: JSONString, $notes: String) {
  upsertBucket(input: {id: $id, name: $name, modelName: $project, entityName: $entity, displayName: $displayName,
    jobType: $jobType, tags: $tags, config: $config, notes: $notes}) {
    bucket { id name displayName config project { name entity { name } } historyLineCount }
    inserted
  }
}`;
const RUN = `query Run($project: String!, $entity: String!, $name: String!) {
  project(name: $project, entityName: $entity) { run(name: $name) { id name displayName jobType tags notes state config summaryMetrics historyLineCount } }
}`;

describe('W&B emulator runs (upsertBucket and reads)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it('creates a run on first upsert, into the viewer entity when none is given', async () => {
    const config = JSON.stringify({ model: { value: 'gpt-4o-mini' }, n_epochs: { value: 3 } });
    const res = await h.ok<{ upsertBucket: unknown }>(UPSERT, {
      name: 'ftjob-1',
      project: 'OpenAI-Fine-Tune',
      displayName: 'ftjob-1',
      jobType: 'fine-tune',
      tags: ['a'],
      config,
    });
    expect(res.upsertBucket).toMatchObject({
      inserted: true,
      bucket: {
        name: 'ftjob-1',
        project: { name: 'OpenAI-Fine-Tune', entity: { name: 'sandbox' } },
        historyLineCount: 0,
      },
    });
    const run = h.emu.state.run('sandbox', 'OpenAI-Fine-Tune', 'ftjob-1');
    expect(run).toMatchObject({
      jobType: 'fine-tune',
      tags: ['a'],
      config: { model: 'gpt-4o-mini', n_epochs: 3 },
      state: 'running',
    });
    expect(run?.rawConfig).toEqual({ model: { value: 'gpt-4o-mini' }, n_epochs: { value: 3 } });
  });

  it('updates only what a later upsert (by storage id) sends, and replaces tags', async () => {
    const first = await h.ok<Upserted>(UPSERT, {
      name: 'ftjob-2',
      project: 'p',
      entity: 'team',
      jobType: 'fine-tune',
      tags: ['x', 'y'],
      notes: 'n',
    });
    const id = first.upsertBucket.bucket.id;
    const second = await h.ok<Upserted>(UPSERT, { id, tags: ['z'] });
    expect(second.upsertBucket.inserted).toBe(false);
    const read = await h.ok<RunRead>(RUN, { project: 'p', entity: 'team', name: 'ftjob-2' });
    expect(read.project.run).toMatchObject({
      id,
      jobType: 'fine-tune',
      tags: ['z'],
      notes: 'n',
      displayName: 'ftjob-2',
    });
  });

  it('returns historyLineCount so a re-opened run appends after existing lines', async () => {
    await h.upsertRun('sandbox', 'p', 'resume');
    await h.stream('sandbox', 'p', 'resume', {
      files: { 'wandb-history.jsonl': { offset: 0, content: ['{"_step":1}', '{"_step":2}'] } },
      complete: true,
      exitcode: 1,
    });
    const again = await h.upsertRun('sandbox', 'p', 'resume');
    expect(again).toMatchObject({ inserted: false, bucket: { historyLineCount: 2 } });
    // Re-opening alone changes nothing; the new session's first stream request makes it running.
    expect(h.emu.state.run('sandbox', 'p', 'resume')?.state).toBe('failed');
    await h.stream('sandbox', 'p', 'resume', {
      files: { 'wandb-history.jsonl': { offset: 2, content: ['{"_step":3}'] } },
    });
    expect(h.emu.state.run('sandbox', 'p', 'resume')).toMatchObject({
      state: 'running',
      exitcode: null,
    });
    expect(h.emu.state.run('sandbox', 'p', 'resume')?.history).toHaveLength(3);
  });

  it('answers project.run = null for an unknown run and errors for bad input', async () => {
    const missing = await h.ok<RunRead>(RUN, { project: 'p', entity: 'sandbox', name: 'nope' });
    expect(missing.project.run).toBeNull();
    const badConfig = await h.gql(UPSERT, {
      name: 'bad-config',
      project: 'p',
      config: '{not json',
    });
    expect(badConfig.errors?.[0]?.message).toMatch(/config is not valid JSON/);
    const badName = await h.gql(UPSERT, { name: 'a/b', project: 'p' });
    expect(badName.errors?.[0]?.message).toMatch(/invalid run id/);
    const unknownField = await h.gql('{ viewer { noSuchField } }');
    expect(unknownField.errors?.[0]?.message).toMatch(/noSuchField/);
  });

  it('lists runs with simple MongoDB-style filters', async () => {
    for (const [name, jobType] of [
      ['l1', 'fine-tune'],
      ['l2', 'eval'],
      ['l3', 'fine-tune'],
    ] as const) {
      await h.ok<unknown>(UPSERT, {
        name,
        project: 'listing',
        jobType,
        displayName: name.toUpperCase(),
      });
    }
    const list = async (filters: unknown) => {
      const res = await h.ok<{ project: { runCount: number; runs: Edges<{ name: string }> } }>(
        `query Runs($filters: JSONString) { project(name: "listing", entityName: "sandbox") {
          runCount(filters: $filters) runs(filters: $filters, order: "+created_at") { edges { node { name } } } } }`,
        { filters: JSON.stringify(filters) },
      );
      return {
        count: res.project.runCount,
        names: res.project.runs.edges.map((e) => e.node.name),
      };
    };
    expect(await list({})).toEqual({ count: 3, names: ['l1', 'l2', 'l3'] });
    expect(await list({ jobType: 'fine-tune' })).toEqual({ count: 2, names: ['l1', 'l3'] });
    expect(await list({ $or: [{ display_name: 'L2' }, { name: { $in: ['l3'] } }] })).toEqual({
      count: 2,
      names: ['l2', 'l3'],
    });
    const unsupported = await h.gql(
      `{ project(name: "listing", entityName: "sandbox") { runs(filters: "{\\"sweep\\": 1}") { edges { node { name } } } } }`,
    );
    expect(unsupported.errors?.[0]?.message).toMatch(/not supported/);
  });

  it('answers the feature probe the SDK sends at start-up', async () => {
    const res = await h.ok<{ serverInfo: { features: { name: string; isEnabled: boolean }[] } }>(
      'query ServerFeaturesQuery { serverInfo { features { name isEnabled } } }',
    );
    const enabled = res.serverInfo.features.filter((f) => f.isEnabled).map((f) => f.name);
    expect(enabled).toContain('CLIENT_IDS');
    expect(enabled).not.toContain('FILESTREAM_GZIP');
  });
});
