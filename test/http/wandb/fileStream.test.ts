import { afterEach, describe, expect, it } from 'vitest';
import {
  RunFileStream,
  summaryFromHistory,
  type HistoryRow,
} from '../../../src/wandb/fileStream.js';
import { WandbTransport } from '../../../src/wandb/transport.js';
import {
  FAST_RETRY,
  json,
  quietLogger,
  startHttpPeer,
  TEST_KEY,
  type HttpPeer,
} from './httpPeer.js';

interface Chunk {
  offset: number;
  content: string[];
}
interface Post {
  files?: Record<string, Chunk>;
  complete?: boolean;
  exitcode?: number;
  uploaded?: string[];
}

/** A file-stream peer with W&B's "set line N" semantics; `failAfterStoring` answers 500 *after* storing. */
async function streamPeer(opts: { failAfterStoring?: Set<number> } = {}) {
  const lines: Record<string, (string | undefined)[]> = {};
  const posts: Post[] = [];
  const peer = await startHttpPeer((req, res) => {
    const body = JSON.parse(req.body) as Post;
    posts.push(body);
    for (const [name, chunk] of Object.entries(body.files ?? {})) {
      const file = (lines[name] ??= []);
      chunk.content.forEach((line, i) => (file[chunk.offset + i] = line));
    }
    if (opts.failAfterStoring?.delete(posts.length)) json(res, 500, { error: 'lost the answer' });
    else json(res, 200, { stopped: false });
  });
  return { peer, lines, posts };
}

let peer: HttpPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const run = { entity: 'acme', project: 'ft', runId: 'ftjob-1' };
const transport = (url: string) =>
  new WandbTransport({ apiKey: TEST_KEY, baseUrl: url, retry: FAST_RETRY, logger: quietLogger });
const rows = (n: number, from = 1): HistoryRow[] =>
  Array.from({ length: n }, (_, i) => ({
    step: from + i,
    values: { loss: 1 / (from + i) },
    timestamp: 1_700_000_000 + i,
  }));

describe('RunFileStream.writeHistory', () => {
  it('posts batches at consecutive offsets to /files/{entity}/{project}/{run}/file_stream', async () => {
    const s = await streamPeer();
    peer = s.peer;
    const stream = new RunFileStream(transport(s.peer.url), run, { maxLinesPerPost: 3 });
    const result = await stream.writeHistory(rows(7));
    expect(s.peer.requests.every((r) => r.path === '/files/acme/ft/ftjob-1/file_stream')).toBe(
      true,
    );
    expect(s.posts.map((p) => p.files?.['wandb-history.jsonl']?.offset)).toEqual([0, 3, 6]);
    expect(s.posts.map((p) => p.files?.['wandb-history.jsonl']?.content.length)).toEqual([3, 3, 1]);
    expect(result).toMatchObject({ nextLine: 7, linesSent: 7, rowsRead: 7 });
    const first = JSON.parse(s.lines['wandb-history.jsonl']![0]!) as Record<string, number>;
    expect(first).toEqual({ loss: 1, _step: 1, _runtime: 0, _timestamp: 1_700_000_000 });
    expect(JSON.parse(s.lines['wandb-history.jsonl']![6]!)).toMatchObject({
      _step: 7,
      _runtime: 6,
    });
  });

  it('a request re-sent after a lost answer rewrites the same lines: no duplicates', async () => {
    const s = await streamPeer({ failAfterStoring: new Set([2]) });
    peer = s.peer;
    const stream = new RunFileStream(transport(s.peer.url), run, { maxLinesPerPost: 2 });
    await stream.writeHistory(rows(5));
    expect(s.posts).toHaveLength(4); // 3 batches + 1 re-send of the second
    expect(s.posts[1]).toEqual(s.posts[2]);
    const steps = s.lines['wandb-history.jsonl']!.map(
      (l) => (JSON.parse(l!) as { _step: number })._step,
    );
    expect(steps).toEqual([1, 2, 3, 4, 5]);
  });

  it('resumes after a crash from the stored line count without re-sending stored rows', async () => {
    const s = await streamPeer();
    peer = s.peer;
    const stream = new RunFileStream(transport(s.peer.url), run, { maxLinesPerPost: 100 });
    await stream.writeHistory(rows(3)); // first attempt got 3 of 6 rows in before "crashing"
    const resumed = await stream.writeHistory(rows(6), { resumeFromLine: 3 });
    expect(s.posts[1]!.files!['wandb-history.jsonl']!.offset).toBe(3);
    expect(s.posts[1]!.files!['wandb-history.jsonl']!.content).toHaveLength(3);
    expect(s.lines['wandb-history.jsonl']).toHaveLength(6);
    // lastValues still covers the skipped rows, so the summary is right after a resume
    expect(resumed.lastValues).toMatchObject({ _step: 6, loss: 1 / 6 });
  });

  it('appends after an older run history when firstLine is given (overwrite = append, as W&B does)', async () => {
    const s = await streamPeer();
    peer = s.peer;
    const stream = new RunFileStream(transport(s.peer.url), run);
    const result = await stream.writeHistory(rows(2), { firstLine: 10 });
    expect(s.posts[0]!.files!['wandb-history.jsonl']!.offset).toBe(10);
    expect(result.nextLine).toBe(12);
  });

  it('merges rows of the same step and drops a lower step, like wandb-core', async () => {
    const s = await streamPeer();
    peer = s.peer;
    const stream = new RunFileStream(transport(s.peer.url), run);
    const result = await stream.writeHistory([
      { step: 1, values: { a: 1 }, timestamp: 10 },
      { step: 1, values: { b: 2 }, timestamp: 11 },
      { step: 3, values: { a: 3 }, timestamp: 12 },
      { step: 2, values: { a: 99 }, timestamp: 13 },
      { step: 4, values: { a: 4 }, timestamp: 14 },
    ]);
    const stored = s.lines['wandb-history.jsonl']!.map(
      (l) => JSON.parse(l!) as Record<string, number>,
    );
    expect(stored.map((l) => l._step)).toEqual([1, 3, 4]);
    expect(stored[0]).toMatchObject({ a: 1, b: 2 });
    expect(result).toMatchObject({ mergedRows: 1, droppedRows: 1, rowsRead: 5, nextLine: 3 });
  });

  it('streams many rows from an async iterable in bounded requests', async () => {
    const s = await streamPeer();
    peer = s.peer;
    async function* generate(): AsyncGenerator<HistoryRow> {
      for (let i = 0; i < 20_000; i++) {
        if (i % 1_000 === 0) await new Promise((r) => setImmediate(r)); // a real producer yields to I/O
        yield { step: i, values: { loss: i }, timestamp: i };
      }
    }
    const progress: number[] = [];
    const stream = new RunFileStream(transport(s.peer.url), run, { maxLinesPerPost: 2_500 });
    const result = await stream.writeHistory(generate(), {
      onProgress: (p) => void progress.push(p.nextLine),
    });
    expect(s.posts).toHaveLength(8);
    expect(Math.max(...s.posts.map((p) => p.files!['wandb-history.jsonl']!.content.length))).toBe(
      2_500,
    );
    expect(progress).toEqual([2_500, 5_000, 7_500, 10_000, 12_500, 15_000, 17_500, 20_000]);
    expect(s.lines['wandb-history.jsonl']).toHaveLength(20_000);
    expect(result.nextLine).toBe(20_000);
  });

  it('splits by bytes too', async () => {
    const s = await streamPeer();
    peer = s.peer;
    const big = 'x'.repeat(1_000);
    const stream = new RunFileStream(transport(s.peer.url), run, { maxBytesPerPost: 2_500 });
    await stream.writeHistory(
      Array.from({ length: 5 }, (_, i) => ({ step: i, values: { big }, timestamp: 1 })),
    );
    expect(s.posts.map((p) => p.files!['wandb-history.jsonl']!.offset)).toEqual([0, 2, 4]);
  });

  it('writes NaN as a bare token inside the line', async () => {
    const s = await streamPeer();
    peer = s.peer;
    await new RunFileStream(transport(s.peer.url), run).writeHistory([
      { step: 0, values: { loss: NaN }, timestamp: 5 },
    ]);
    expect(s.lines['wandb-history.jsonl']![0]).toBe(
      '{"loss":NaN,"_step":0,"_runtime":0,"_timestamp":5}',
    );
  });

  it('rejects a negative or fractional step', async () => {
    const stream = new RunFileStream(transport('http://127.0.0.1:9'), run);
    await expect(stream.writeHistory([{ step: 1.5, values: {} }])).rejects.toThrow(
      /non-negative integer/,
    );
  });
});

describe('RunFileStream summary, heartbeat, finish', () => {
  it('sends summary at its fixed line, heartbeats as {}, and finish with complete + exitcode + uploaded', async () => {
    const s = await streamPeer();
    peer = s.peer;
    const stream = new RunFileStream(transport(s.peer.url), run);
    await stream.writeSummary({ a: 1 });
    await stream.heartbeat();
    await stream.finish({
      exitCode: 1,
      summary: { a: 2, status: 'failed' },
      uploaded: ['config.yaml'],
    });
    expect(s.posts[0]).toEqual({
      files: { 'wandb-summary.json': { offset: 0, content: ['{"a":1}'] } },
    });
    expect(s.posts[1]).toEqual({});
    expect(s.posts[2]).toEqual({
      complete: true,
      exitcode: 1,
      files: { 'wandb-summary.json': { offset: 0, content: ['{"a":2,"status":"failed"}'] } },
      uploaded: ['config.yaml'],
    });
  });

  it('builds the default summary from the last history values plus explicit keys', () => {
    expect(
      summaryFromHistory(
        { loss: 0.1, _runtime: 12.7, _step: 9 },
        { status: 'succeeded', loss: 0.05 },
      ),
    ).toEqual({
      loss: 0.05,
      _runtime: 12.7,
      _step: 9,
      status: 'succeeded',
      _wandb: { runtime: 12 },
    });
  });
});
