import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startWandbEmulator,
  type RunningWandbEmulator,
} from '../../../src/emulators/wandb/index.js';
import {
  renderConfigYaml,
  renderMetadataJson,
  renderSummaryJson,
  runMediaTablePath,
  summaryFromHistory,
  TableFileWriter,
  tableFileRef,
  WandbAuthError,
  WandbClient,
  WandbInputError,
  type HistoryRow,
  type RunRecord,
} from '../../../src/wandb/index.js';

// Our W&B client against the W&B emulator over real HTTP: runs, file stream, run files,
// artifacts (dedupe, aliases, lineage, fetch, download, links) and recovery from a 5xx burst.

const KEY = 'local-' + 'k'.repeat(40);
const PROJECT = 'OpenAI-Fine-Tune';
const RETRY = {
  initialDelayMs: 10,
  maxDelayMs: 80,
  maxRetryAfterMs: 80,
  jitter: 0,
  maxAttempts: 25,
};
const quiet = pino({ level: 'silent' });

let emu: RunningWandbEmulator;
let client: WandbClient;
let dir: string;
let seq = 0;

beforeAll(async () => {
  emu = await startWandbEmulator({ apiKeys: [KEY], defaultEntity: 'sandbox' });
  client = new WandbClient({ apiKey: KEY, baseUrl: emu.url, retry: RETRY, logger: quiet });
  dir = await mkdtemp(join(tmpdir(), 'wandb-client-emu-'));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => emu.setFaults(undefined));

const bytes = (text: string) => ({ bytes: Buffer.from(text) });
const nextRunId = (): string => `ftjob-t${++seq}`;
const rows = (n: number): HistoryRow[] =>
  Array.from({ length: n }, (_, i) => ({
    step: i + 1,
    values: { train_loss: 2 / (i + 1), train_accuracy: i / n },
    timestamp: 1_700_000_000 + i,
  }));

async function startRun(runId: string): Promise<RunRecord> {
  return client.upsertRun({
    runId,
    project: PROJECT,
    displayName: runId,
    jobType: 'fine-tune',
    tags: ['openai', 'sft'],
    notes: 'synced by temporal-finetune',
    group: 'gpt-4o-mini',
    config: { model: 'gpt-4o-mini', hyperparameters: { n_epochs: 3 }, n_train: 12 },
  });
}

/** A whole sync: upsert, history, run files, final summary + complete. */
async function syncRun(runId: string, n: number): Promise<void> {
  const run = await startRun(runId);
  const stream = client.fileStream(run, { maxLinesPerPost: 4 });
  const history = await stream.writeHistory(rows(n), { firstLine: run.historyLineCount });
  const summary = summaryFromHistory(history.lastValues, {
    status: 'succeeded',
    fine_tuned_model: `ft:${runId}`,
  });
  const uploaded = await client.uploadRunFiles(run, [
    { name: 'config.yaml', source: { text: renderConfigYaml({ model: 'gpt-4o-mini' }) } },
    {
      name: 'wandb-metadata.json',
      source: { text: renderMetadataJson({ os: 'linux', program: 'finetune' }) },
    },
    { name: 'wandb-summary.json', source: { text: renderSummaryJson(summary) } },
  ]);
  await stream.finish({ exitCode: 0, summary, uploaded });
}

describe('runs over the emulator', () => {
  it('creates a run with config, job type, tags, history, summary, files, and finishes it', async () => {
    const runId = nextRunId();
    await syncRun(runId, 10);
    const run = emu.state.run('sandbox', PROJECT, runId)!;
    expect(run).toMatchObject({
      displayName: runId,
      jobType: 'fine-tune',
      tags: ['openai', 'sft'],
      notes: 'synced by temporal-finetune',
      group: 'gpt-4o-mini',
      state: 'finished',
      exitcode: 0,
    });
    expect(run.rawConfig.model).toEqual({ value: 'gpt-4o-mini' });
    expect(run.config).toMatchObject({
      model: 'gpt-4o-mini',
      hyperparameters: { n_epochs: 3 },
      n_train: 12,
    });
    expect(run.history.map((h) => h._step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.history[9]).toMatchObject({
      train_loss: 0.2,
      _timestamp: 1_700_000_009,
      _runtime: 9,
    });
    expect(run.summary).toMatchObject({
      status: 'succeeded',
      train_loss: 0.2,
      _step: 10,
      _wandb: { runtime: 9 },
    });
    expect(run.files.map((f) => f.name).sort()).toEqual([
      'config.yaml',
      'wandb-metadata.json',
      'wandb-summary.json',
    ]);
    expect(run.reportedUploaded.sort()).toEqual([
      'config.yaml',
      'wandb-metadata.json',
      'wandb-summary.json',
    ]);

    const read = await client.getRun({ project: PROJECT, runId });
    expect(read).toMatchObject({
      entity: 'sandbox',
      historyLineCount: 10,
      jobType: 'fine-tune',
      state: 'finished',
    });
    expect(read!.summary.status).toBe('succeeded');
    expect(read!.config.model).toBe('gpt-4o-mini');
  });

  it('answers null for a run or project that does not exist', async () => {
    expect(await client.getRun({ project: PROJECT, runId: 'ftjob-never' })).toBeNull();
    expect(await client.getRun({ project: 'no-such-project', runId: 'x' })).toBeNull();
  });

  it('resumes after a crash: appends the missing rows only, no duplicates', async () => {
    const runId = nextRunId();
    const first = await startRun(runId);
    expect(first.inserted).toBe(true);
    await client.fileStream(first).writeHistory(rows(4)); // the first attempt "crashes" after 4 of 9 rows

    const again = await startRun(runId); // a retried activity upserts again
    expect(again).toMatchObject({
      inserted: false,
      historyLineCount: 4,
      storageId: first.storageId,
    });
    const result = await client
      .fileStream(again)
      .writeHistory(rows(9), { firstLine: 0, resumeFromLine: again.historyLineCount });
    expect(result).toMatchObject({ linesSent: 5, nextLine: 9 });
    expect(emu.state.run('sandbox', PROJECT, runId)!.history.map((h) => h._step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('a re-sent file-stream request does not duplicate rows', async () => {
    const runId = nextRunId();
    const run = await startRun(runId);
    const stream = client.fileStream(run);
    const chunk = {
      files: {
        'wandb-history.jsonl': { offset: 0, content: ['{"_step":1,"a":1}', '{"_step":2,"a":2}'] },
      },
    };
    await stream.post(chunk);
    await stream.post(chunk);
    expect(emu.state.run('sandbox', PROJECT, runId)!.history).toEqual([
      { _step: 1, a: 1 },
      { _step: 2, a: 2 },
    ]);
  });

  it('syncs several runs at once through one client without crosstalk', async () => {
    const ids = [nextRunId(), nextRunId(), nextRunId()];
    await Promise.all(ids.map((id, i) => syncRun(id, 5 + i)));
    ids.forEach((id, i) => {
      const run = emu.state.run('sandbox', PROJECT, id)!;
      expect(run.history).toHaveLength(5 + i);
      expect(run.summary.fine_tuned_model).toBe(`ft:${id}`);
      expect(run.state).toBe('finished');
    });
  });

  it('marks a failed job with a non-zero exit code', async () => {
    const runId = nextRunId();
    const run = await startRun(runId);
    await client.fileStream(run).finish({ exitCode: 1, summary: { status: 'failed' } });
    expect(emu.state.run('sandbox', PROJECT, runId)).toMatchObject({
      state: 'failed',
      exitcode: 1,
    });
  });

  it('rejects an unknown key with WandbAuthError', async () => {
    const stranger = new WandbClient({
      apiKey: 'local-' + 'x'.repeat(40),
      baseUrl: emu.url,
      retry: RETRY,
      logger: quiet,
    });
    await expect(stranger.viewer()).rejects.toBeInstanceOf(WandbAuthError);
  });
});

describe('artifacts over the emulator', () => {
  it('logs an output artifact once; the same content again is deduplicated (one version)', async () => {
    const runId = nextRunId();
    await startRun(runId);
    const input = {
      project: PROJECT,
      runId,
      role: 'output' as const,
      name: 'model-metadata',
      type: 'model',
      metadata: { id: runId },
      aliases: [runId],
      files: [{ path: 'model_metadata.json', source: bytes(`{"id":"${runId}"}`) }],
    };
    const first = await client.logArtifact(input);
    const second = await client.logArtifact(input);
    expect(first.deduplicated).toBe(false);
    expect(second).toMatchObject({ deduplicated: true, id: first.id, digest: first.digest });
    const versions = emu.state.artifactVersions('sandbox', PROJECT, 'model-metadata');
    expect(versions).toHaveLength(1);
    expect(versions[0]!.createdByRun).toBe(runId);
    expect(versions[0]).toMatchObject({
      state: 'COMMITTED',
      type: 'model',
      metadata: { id: runId },
    });
    expect(versions[0]!.aliases).toContain('latest');
    expect(versions[0]!.aliases).toContain(runId);
    expect(emu.state.run('sandbox', PROJECT, runId)!.outputs.map((o) => o.id)).toContain(first.id);
  });

  it('new content makes v1, moves latest; aliases can be added, moved and removed', async () => {
    const runId = nextRunId();
    await startRun(runId);
    const log = (text: string) =>
      client.logArtifact({
        project: PROJECT,
        runId,
        role: 'output',
        name: 'weights',
        type: 'model',
        files: [{ path: 'w.txt', source: bytes(text) }],
      });
    const v0 = await log('zero');
    const v1 = await log('one');
    const change = { entity: 'sandbox', project: PROJECT, collection: 'weights' };
    await client.addAliases({ ...change, artifactId: v0.id, aliases: ['production'] });
    let versions = emu.state.artifactVersions('sandbox', PROJECT, 'weights');
    expect(versions.find((v) => v.id === v0.id)?.versionIndex).toBe(0);
    expect(versions.find((v) => v.id === v0.id)?.aliases).toContain('production');
    expect(versions.find((v) => v.id === v0.id)?.aliases).not.toContain('latest');
    expect(versions.find((v) => v.id === v1.id)?.versionIndex).toBe(1);
    expect(versions.find((v) => v.id === v1.id)?.aliases).toContain('latest');

    await client.addAliases({ ...change, artifactId: v1.id, aliases: ['production'] }); // promote
    versions = emu.state.artifactVersions('sandbox', PROJECT, 'weights');
    expect(versions.find((v) => v.id === v0.id)!.aliases).not.toContain('production');
    expect(versions.find((v) => v.id === v1.id)!.aliases).toContain('production');

    await client.removeAliases({ ...change, artifactId: v1.id, aliases: ['production'] });
    expect(
      emu.state.artifactVersions('sandbox', PROJECT, 'weights').flatMap((v) => v.aliases),
    ).not.toContain('production');
  });

  it('logging older content again dedups to the old version without moving latest back', async () => {
    const runId = nextRunId();
    await startRun(runId);
    const log = (text: string, aliases: string[]) =>
      client.logArtifact({
        project: PROJECT,
        runId,
        role: 'output',
        name: 'flipflop',
        type: 'model',
        aliases,
        files: [{ path: 'f', source: bytes(text) }],
      });
    const a = await log('A', []);
    await log('B', []);
    const again = await log('A', ['resynced']);
    expect(again).toMatchObject({ deduplicated: true, id: a.id });
    const versions = emu.state.artifactVersions('sandbox', PROJECT, 'flipflop');
    expect(versions).toHaveLength(2);
    expect(versions.find((v) => v.versionIndex === 1)?.aliases).toContain('latest');
    expect(versions.find((v) => v.versionIndex === 0)?.aliases).toEqual(['resynced']);
  });

  it('refuses a second type for an existing artifact name before uploading anything', async () => {
    const runId = nextRunId();
    await startRun(runId);
    const log = (type: string) =>
      client.logArtifact({
        project: PROJECT,
        runId,
        role: 'output',
        name: 'typed',
        type,
        files: [{ path: 'f', source: bytes(type) }],
      });
    await log('model');
    const creates = () => emu.state.stats().graphql.CreateArtifact ?? 0;
    const before = creates();
    const err = await log('dataset').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WandbInputError); // our own check, not the server's refusal
    expect((err as Error).message).toMatch(/already exists .* with type "model", not "dataset"/);
    expect(creates()).toBe(before);
  });

  it('logs a dataset as a run input (lineage), with a Table file, and reuses it from another run', async () => {
    const table = await TableFileWriter.open({
      columns: [
        { name: 'role: system', type: 'string' },
        { name: 'role: user', type: 'string' },
        { name: 'role: assistant', type: 'string' },
      ],
      dir,
    });
    await table.addRow(['sys', 'hi', 'hello']);
    const tableFile = await table.close();
    const train = join(dir, 'file-abc');
    await writeFile(train, '{"messages":[]}\n');

    const runA = nextRunId();
    await startRun(runA);
    const logged = await client.logArtifact({
      project: PROJECT,
      runId: runA,
      role: 'input',
      name: 'train-file-abc',
      type: 'training_files',
      metadata: { items: 1 },
      aliases: ['file-abc'],
      files: [
        { path: 'file-abc', source: { path: train } },
        { path: 'file-abc.table.json', source: { path: tableFile.localPath } },
      ],
    });
    const [version] = emu.state.artifactVersions('sandbox', PROJECT, 'train-file-abc');
    expect(version).toMatchObject({ id: logged.id, createdByRun: null });
    expect(version!.aliases).toContain('latest');
    expect(version!.aliases).toContain('file-abc');
    expect(version!.files.map((f) => f.path).sort()).toEqual(['file-abc', 'file-abc.table.json']);
    expect(emu.state.run('sandbox', PROJECT, runA)!.inputs.map((i) => i.id)).toEqual([logged.id]);

    const runB = nextRunId();
    await startRun(runB);
    const found = await client.fetchArtifact(`${PROJECT}/train-file-abc:file-abc`);
    expect(found).toMatchObject({
      id: logged.id,
      type: 'training_files',
      metadata: { items: 1 },
      version: 'v0',
    });
    await client.useArtifact({ project: PROJECT, runId: runB, artifactId: found!.id });
    expect(emu.state.run('sandbox', PROJECT, runB)!.inputs.map((i) => i.id)).toEqual([logged.id]);
    expect(
      emu.state.artifactVersions('sandbox', PROJECT, 'train-file-abc')[0]!.usedByRuns,
    ).toHaveLength(2);

    // the table's history value + run-media copy
    const media = runMediaTablePath('train_data', 1, tableFile.sha256);
    const run = await startRun(runB);
    await client.uploadRunFiles(run, [{ name: media, source: { path: tableFile.localPath } }]);
    await client
      .fileStream(run)
      .writeHistory([
        { step: 1, values: { train_data: tableFileRef(tableFile, media) }, timestamp: 1 },
      ]);
    expect(emu.state.run('sandbox', PROJECT, runB)!.history[0]!.train_data).toMatchObject({
      _type: 'table-file',
      path: media,
      nrows: 1,
    });
    expect(emu.state.run('sandbox', PROJECT, runB)!.files.map((f) => f.name)).toContain(media);
  });

  it('fetches by alias and by version, downloads and verifies the files', async () => {
    const runId = nextRunId();
    await startRun(runId);
    const files = [
      { path: 'a/b.txt', source: bytes('hello\n') },
      { path: 'model_metadata.json', source: bytes('{\n  "id": "ftjob-abc"\n}') },
    ];
    const logged = await client.logArtifact({
      project: PROJECT,
      runId,
      role: 'output',
      name: 'vector',
      type: 'model',
      aliases: ['gold'],
      files,
    });
    expect(logged.digest).toBe('5b627afd2061a73407e23dfbcbfd7466'); // the protocol's worked example

    const byAlias = await client.fetchArtifact(`sandbox/${PROJECT}/vector:gold`);
    const byVersion = await client.fetchArtifact(`sandbox/${PROJECT}/vector:v0`);
    expect(byAlias?.id).toBe(logged.id);
    expect(byVersion?.id).toBe(logged.id);
    expect(byAlias).toMatchObject({ digest: logged.digest, name: 'vector', type: 'model' });
    expect(byAlias!.aliases).toContain('gold');
    expect(byAlias!.aliases).toContain('latest');
    expect(await client.fetchArtifact(`sandbox/${PROJECT}/vector:nope`)).toBeNull();

    const manifest = await client.fetchArtifactManifest(logged.id);
    expect(Object.keys(manifest.contents)).toEqual(['a/b.txt', 'model_metadata.json']);
    expect(manifest.contents['a/b.txt']).toMatchObject({
      digest: 'sZRqySSS0jR8YjW00mERhA==',
      size: 6,
      birthArtifactID: logged.id,
    });

    const target = join(dir, 'download');
    const result = await client.downloadArtifact(logged.id, target);
    expect(result.files.map((f) => f.path)).toEqual(['a/b.txt', 'model_metadata.json']);
    expect(await readFile(join(target, 'a/b.txt'), 'utf8')).toBe('hello\n');
    expect(await readFile(join(target, 'model_metadata.json'), 'utf8')).toBe(
      '{\n  "id": "ftjob-abc"\n}',
    );
  });

  it('links a version into a registry portfolio', async () => {
    const runId = nextRunId();
    await startRun(runId);
    const logged = await client.logArtifact({
      project: PROJECT,
      runId,
      role: 'output',
      name: 'to-link',
      type: 'model',
      files: [{ path: 'm', source: bytes('m') }],
    });
    const link = await client.linkArtifact({
      artifactId: logged.id,
      entity: 'sandbox',
      project: 'model-registry',
      portfolio: 'finetuned',
      aliases: ['production'],
    });
    expect(link.versionIndex).toBe(0);
    const linked = await client.fetchArtifact('sandbox/model-registry/finetuned:production');
    expect(linked).toMatchObject({ id: logged.id, name: 'finetuned', versionIndex: 0 });
  });
});

describe('recovery', () => {
  it('rides out a 5xx burst: every request is re-sent until it lands, nothing is lost or doubled', async () => {
    const runId = nextRunId();
    const injectedBefore = emu.state.stats().faultsInjected;
    emu.setFaults({ rate5xx: 1 });
    const heal = setTimeout(() => emu.setFaults(undefined), 300);
    try {
      await syncRun(runId, 12);
      await client.logArtifact({
        project: PROJECT,
        runId,
        role: 'output',
        name: 'burst',
        type: 'model',
        files: [{ path: 'x.txt', source: bytes(`burst ${runId}`) }],
      });
    } finally {
      clearTimeout(heal);
    }
    expect(emu.state.stats().faultsInjected).toBeGreaterThan(injectedBefore);
    const run = emu.state.run('sandbox', PROJECT, runId)!;
    expect(run.history.map((h) => h._step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(run.state).toBe('finished');
    expect(run.files).toHaveLength(3);
    expect(emu.state.artifactVersions('sandbox', PROJECT, 'burst')).toHaveLength(1);
  });

  it('keeps going under random 503s and 429s', async () => {
    emu.setFaults({ rate5xx: 0.2, rate429: 0.1 });
    const runId = nextRunId();
    await syncRun(runId, 20);
    expect(emu.state.run('sandbox', PROJECT, runId)!.history).toHaveLength(20);
  });
});
