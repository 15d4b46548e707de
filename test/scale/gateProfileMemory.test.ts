import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileDatasetFile } from '../../src/gates/profileFile.js';

// Exposes the garbage collector without a command-line flag, so the live heap can be sampled.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SAMPLE = fileURLToPath(new URL('../../data/sample/train.jsonl', import.meta.url));
const LINES = 50_000;
const MODEL = 'gpt-4.1-mini-2025-04-14';
// A few distinct texts of different lengths: the token counter's caches stay small, so heap
// growth measures whether lines are held, not the caches.
const REPLIES = Array.from({ length: 40 }, (_, i) =>
  `Step ${i}: descale the kettle, rinse it twice and check the lid seal. `.repeat(1 + (i % 13)),
);

async function writeFileOfLines(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let start = 0; start < LINES; start += 1000) {
    const batch: string[] = [];
    for (let i = start; i < start + 1000; i++) {
      const messages = [
        ...(i % 4 === 0 ? [] : [{ role: 'system', content: 'You are the kettle shop assistant.' }]),
        { role: 'user', content: `Question ${i % 50}: my kettle is slow.` },
        { role: 'assistant', content: REPLIES[i % REPLIES.length]! },
      ];
      batch.push(JSON.stringify({ messages }));
    }
    if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('profileDatasetFile memory', () => {
  let dir = '';
  let path = '';
  let bytes = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tf-gates-mem-'));
    path = join(dir, 'large.jsonl');
    await writeFileOfLines(path);
    bytes = (await stat(path)).size;
    // Warm up: load the tokenizer so its ranks are not counted as growth.
    await profileDatasetFile(SAMPLE, { model: MODEL, method: 'supervised' });
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('profiles a 50k-line file without holding its lines', async () => {
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let samples = 0;
    const started = Date.now();
    const profile = await profileDatasetFile(path, {
      model: MODEL,
      method: 'supervised',
      // Often enough that even a fast run samples the heap a few times mid-file.
      progressIntervalMs: 200,
      onProgress: () => {
        gc();
        samples++;
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    const growthMb = (peak - baseline) / 2 ** 20;
    const fileMb = bytes / 2 ** 20;
    expect(profile.examples).toBe(LINES);
    expect(profile.systemShare).toBe(0.75);
    expect(profile.roles).toEqual({ assistant: LINES, system: 0.75 * LINES, user: LINES });
    expect(profile.turnBins).toEqual([0, LINES / 4, (3 * LINES) / 4, 0, 0, 0, 0]);
    expect(profile.tokenBins.reduce((s, n) => s + n, 0)).toBe(LINES);
    expect(profile.tokenBins.filter((n) => n > 0).length).toBeGreaterThan(2);
    expect(samples).toBeGreaterThan(0);
    expect(fileMb).toBeGreaterThan(25);
    expect(growthMb).toBeLessThan(Math.min(10, fileMb / 4));
    // The profile itself is small enough for artifact metadata.
    expect(JSON.stringify(profile).length).toBeLessThan(500);
    console.info(
      `profile of ${fileMb.toFixed(0)} MB / ${LINES} lines: ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `live heap growth ${growthMb.toFixed(1)} MB`,
    );
  }, 60_000);
});
