import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, type Scratch, validate, SAMPLES } from '../unit/dataset/support.js';

// Exposes the garbage collector without a command-line flag, so the live heap can be sampled.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TARGET_BYTES = 50 * 2 ** 20;
const WORDS = ['kettle', 'order', 'refund', 'shipping', 'descale', 'warranty', 'lid', 'firmware'];

async function writeLargeFile(path: string): Promise<{ bytes: number; lines: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  while (bytes < TARGET_BYTES) {
    // Written in batches of 1,000 lines: one write call per line made this slower than the test.
    const batch: string[] = [];
    for (let i = 0; i < 1000; i++, lines++) {
      const w = (k: number) => WORDS[(lines * k) % WORDS.length]!;
      batch.push(
        JSON.stringify({
          messages: [
            { role: 'system', content: 'You are the support assistant of a kettle shop.' },
            {
              role: 'user',
              content: `Case ${lines}: my ${w(1)} and ${w(3)} need help, ref ${lines * 31}.`,
            },
            {
              role: 'assistant',
              content: `For case ${lines}, check the ${w(5)} then the ${w(7)}. `.repeat(3),
            },
          ],
        }),
      );
    }
    const text = `${batch.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes, lines };
}

describe('memory stays flat in file size', () => {
  let s: Scratch;
  let path = '';
  let written = { bytes: 0, lines: 0 };
  beforeAll(async () => {
    s = await scratchDir();
    path = `${s.dir}/large.jsonl`;
    written = await writeLargeFile(path);
    // Warm up: load the tokenizer so its ranks are not counted as growth.
    await validate(`${SAMPLES}train.jsonl`);
  }, 60_000);
  afterAll(() => s.cleanup());

  it('validates a ~50 MB file with live-heap growth far below its size', async () => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakLive = baseline;
    let samples = 0;
    const started = Date.now();
    const report = await validate(path, {
      progressIntervalMs: 1000,
      onProgress: () => {
        gc();
        samples++;
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const growthMb = (peakLive - baseline) / 2 ** 20;
    expect(report).toMatchObject({ ok: true, bytes: written.bytes, examples: written.lines });
    expect(samples).toBeGreaterThan(0);
    expect(growthMb).toBeLessThan(16); // the file is 50 MB
    console.info(
      `50 MB validation: ${seconds.toFixed(1)} s, live heap growth ${growthMb.toFixed(1)} MB`,
    );
  }, 60_000);
});
