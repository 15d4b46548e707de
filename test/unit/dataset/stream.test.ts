import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLine, fixture, scratchDir, type Scratch, SAMPLES, validate } from './support.js';

describe('streaming: digest, progress, abort', () => {
  let s: Scratch;
  let bigPath = '';
  beforeAll(async () => {
    s = await scratchDir();
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      chatLine(`question ${i}`, `answer ${i}`),
    );
    bigPath = await s.write('big.jsonl', lines.join('\n') + '\n');
  });
  afterAll(() => s.cleanup());

  it.each([`${SAMPLES}train.jsonl`, fixture('invalid.jsonl'), fixture('dpo.jsonl')])(
    'digest is the sha256 of the raw bytes (%s)',
    async (path) => {
      const bytes = await readFile(path);
      const r = await validate(path, { minExamples: 1 });
      expect(r.digest).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(r.bytes).toBe(bytes.length);
    },
  );

  it('reports progress with growing byte and line counts', async () => {
    const seen: { bytesRead: number; lines: number }[] = [];
    await validate(bigPath, { progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(10);
    const last = seen[seen.length - 1]!;
    expect(last.lines).toBe(20_000);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.lines).toBeGreaterThan(seen[i - 1]!.lines);
      expect(seen[i]!.bytesRead).toBeGreaterThanOrEqual(seen[i - 1]!.bytesRead);
    }
  });

  it('throttles progress to the interval', async () => {
    let calls = 0;
    await validate(bigPath, { progressIntervalMs: 60_000, onProgress: () => calls++ });
    expect(calls).toBe(0);
  });

  it('stops with the signal reason when aborted mid-file', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the workflow');
    let linesAtAbort = 0;
    const run = validate(bigPath, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.lines >= 1000 && !controller.signal.aborted) {
          linesAtAbort = p.lines;
          controller.abort(reason);
        }
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(linesAtAbort).toBeGreaterThanOrEqual(1000);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(validate(bigPath, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
