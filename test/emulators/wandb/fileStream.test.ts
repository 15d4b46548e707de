import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { API_KEY, Harness, basicAuth } from './support/harness.js';

const HISTORY = 'wandb-history.jsonl';
const SUMMARY = 'wandb-summary.json';
interface RunRead {
  project: {
    run: {
      historyLineCount: number;
      historyKeys: { lastStep: number };
      history: string[];
      summaryMetrics: string;
    };
  };
}

const row = (step: number, loss: number | string) =>
  `{"_step":${step},"loss":${loss},"_runtime":1.5,"_timestamp":1700000000.5}`;

describe('W&B emulator file stream', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ heartbeatTimeoutMs: 60_000 });
  });
  afterAll(() => h.close());

  it('treats offsets as "set line N": a re-sent chunk does not duplicate rows', async () => {
    await h.upsertRun('sandbox', 'fs', 'retry');
    const chunk = { files: { [HISTORY]: { offset: 0, content: [row(1, 0.9), row(2, 0.8)] } } };
    expect((await h.stream('sandbox', 'fs', 'retry', chunk)).status).toBe(200);
    expect((await h.stream('sandbox', 'fs', 'retry', chunk)).status).toBe(200);
    await h.stream('sandbox', 'fs', 'retry', {
      files: { [HISTORY]: { offset: 2, content: [row(3, 0.7)] } },
    });
    // A retry of the second chunk after the third arrived changes nothing either.
    await h.stream('sandbox', 'fs', 'retry', chunk);
    const run = h.emu.state.run('sandbox', 'fs', 'retry');
    expect(run?.history.map((r) => [r._step, r.loss])).toEqual([
      [1, 0.9],
      [2, 0.8],
      [3, 0.7],
    ]);
    const read = await h.ok<RunRead>(
      `{ project(name: "fs", entityName: "sandbox") { run(name: "retry") { historyLineCount historyKeys } } }`,
    );
    expect(read.project.run.historyLineCount).toBe(3);
    expect(read.project.run.historyKeys.lastStep).toBe(3);
  });

  it('overwrites a line when the same offset carries new content', async () => {
    await h.upsertRun('sandbox', 'fs', 'rewrite');
    await h.stream('sandbox', 'fs', 'rewrite', {
      files: { [HISTORY]: { offset: 0, content: [row(1, 0.5), row(2, 0.4)] } },
    });
    await h.stream('sandbox', 'fs', 'rewrite', {
      files: { [HISTORY]: { offset: 1, content: [row(2, 0.25)] } },
    });
    expect(h.emu.state.run('sandbox', 'fs', 'rewrite')?.history.map((r) => r.loss)).toEqual([
      0.5, 0.25,
    ]);
  });

  it('keeps NaN and Infinity tokens as numbers and hands lines back verbatim', async () => {
    await h.upsertRun('sandbox', 'fs', 'nan');
    await h.stream('sandbox', 'fs', 'nan', {
      files: { [HISTORY]: { offset: 0, content: [row(1, 'NaN'), row(2, '-Infinity')] } },
    });
    const losses = h.emu.state.run('sandbox', 'fs', 'nan')?.history.map((r) => r.loss);
    expect(losses?.[0]).toBeNaN();
    expect(losses?.[1]).toBe(-Infinity);
    const read = await h.ok<RunRead>(
      `{ project(name: "fs", entityName: "sandbox") { run(name: "nan") { history(minStep: 0, maxStep: 10) } } }`,
    );
    expect(read.project.run.history).toEqual([row(1, 'NaN'), row(2, '-Infinity')]);
  });

  it('replaces the summary as a whole object (the last line wins)', async () => {
    await h.upsertRun('sandbox', 'fs', 'summary');
    await h.stream('sandbox', 'fs', 'summary', {
      files: { [SUMMARY]: { offset: 0, content: ['{"loss":0.5,"status":"running"}'] } },
    });
    await h.stream('sandbox', 'fs', 'summary', {
      files: { [SUMMARY]: { offset: 0, content: ['{"status":"succeeded"}'] } },
    });
    expect(h.emu.state.run('sandbox', 'fs', 'summary')?.summary).toEqual({ status: 'succeeded' });
    const read = await h.ok<RunRead>(
      `{ project(name: "fs", entityName: "sandbox") { run(name: "summary") { summaryMetrics } } }`,
    );
    expect(JSON.parse(read.project.run.summaryMetrics)).toEqual({ status: 'succeeded' });
  });

  it('derives the run state from complete/exitcode and records uploaded files', async () => {
    await h.upsertRun('sandbox', 'fs', 'ok');
    await h.upsertRun('sandbox', 'fs', 'bad');
    expect(h.emu.state.run('sandbox', 'fs', 'ok')?.state).toBe('running');
    const res = await h.stream('sandbox', 'fs', 'ok', {
      uploaded: ['config.yaml'],
      complete: true,
      exitcode: 0,
    });
    expect(await res.json()).toMatchObject({ stopped: false });
    await h.stream('sandbox', 'fs', 'bad', { complete: true, exitcode: 1 });
    expect(h.emu.state.run('sandbox', 'fs', 'ok')).toMatchObject({
      state: 'finished',
      exitcode: 0,
      reportedUploaded: ['config.yaml'],
    });
    expect(h.emu.state.run('sandbox', 'fs', 'bad')).toMatchObject({ state: 'failed', exitcode: 1 });
  });

  it('accepts a gzip-encoded request (Content-Encoding: gzip)', async () => {
    await h.upsertRun('sandbox', 'fs', 'gzip');
    const body = gzipSync(
      JSON.stringify({ files: { [HISTORY]: { offset: 0, content: [row(1, 0.1)] } } }),
    );
    const res = await fetch(`${h.emu.url}/files/sandbox/fs/gzip/file_stream`, {
      method: 'POST',
      headers: { authorization: basicAuth(API_KEY), 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
    expect(h.emu.state.run('sandbox', 'fs', 'gzip')?.history).toHaveLength(1);
  });

  it('answers 404 for a run that was never upserted and 400 for a malformed chunk', async () => {
    expect((await h.stream('sandbox', 'fs', 'ghost', {})).status).toBe(404);
    await h.upsertRun('sandbox', 'fs', 'malformed');
    const res = await h.stream('sandbox', 'fs', 'malformed', {
      files: { [HISTORY]: { offset: -1, content: ['{}'] } },
    });
    expect(res.status).toBe(400);
    const notStrings = await h.stream('sandbox', 'fs', 'malformed', {
      files: { [HISTORY]: { offset: 0, content: [{ a: 1 }] } },
    });
    expect(notStrings.status).toBe(400);
  });
});

describe('W&B emulator heartbeats', () => {
  it('reads a run as crashed once it has been silent for longer than the heartbeat timeout', async () => {
    const h = await Harness.start({ heartbeatTimeoutMs: 50 });
    try {
      await h.upsertRun('sandbox', 'hb', 'quiet');
      expect(h.emu.state.run('sandbox', 'hb', 'quiet')?.state).toBe('running');
      await new Promise((r) => setTimeout(r, 120));
      expect(h.emu.state.run('sandbox', 'hb', 'quiet')?.state).toBe('crashed');
      await h.stream('sandbox', 'hb', 'quiet', {});
      expect(h.emu.state.run('sandbox', 'hb', 'quiet')?.state).toBe('running');
    } finally {
      await h.close();
    }
  });
});
