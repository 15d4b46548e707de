import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadTokenCounter, TOKENIZER_IDLE_MS } from '../../../src/dataset/tokens.js';

// A full collection on demand (the test process runs without --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Collects once the current job has ended (a WeakRef read in this job keeps its target). */
async function collected(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  gc();
}
const onlyTimeouts = { toFake: ['setTimeout', 'clearTimeout'] as const };

// The table is ~70 MB of heap: a worker keeps it only while datasets are being counted.
describe('tokenizer release', () => {
  afterEach(() => vi.useRealTimers());

  it('shares one table between loads made while it is in use', async () => {
    const [a, b] = await Promise.all([
      loadTokenCounter('cl100k_base'),
      loadTokenCounter('cl100k_base'),
    ]);
    expect(a).toBe(b);
    expect(a.count('hello world')).toBe(2);
  });

  it('is freed once idle and nobody holds it; kept while within the idle time', async () => {
    vi.useFakeTimers({ toFake: [...onlyTimeouts.toFake] });
    const ref = new WeakRef(await loadTokenCounter('cl100k_base'));
    vi.advanceTimersByTime(TOKENIZER_IDLE_MS - 1);
    await collected();
    expect(ref.deref()).toBeDefined(); // still within the idle time: the cache holds it
    vi.advanceTimersByTime(2);
    await collected();
    expect(ref.deref()).toBeUndefined();
    // And it loads again, whole.
    expect((await loadTokenCounter('cl100k_base')).count('hello world')).toBe(2);
  });

  it('lets go of its own reference once idle, but a caller still counting keeps sharing it', async () => {
    vi.useFakeTimers({ toFake: [...onlyTimeouts.toFake] });
    const first = await loadTokenCounter('o200k_base');
    vi.advanceTimersByTime(TOKENIZER_IDLE_MS + 1);
    await collected();
    // `first` is still referenced here, so the weakly held table is found again, not rebuilt.
    const again = await loadTokenCounter('o200k_base');
    expect(again).toBe(first);
    expect(again.count('The capital of France is Paris.')).toBe(7);
  });

  it('is not released while loads keep coming within the idle time', async () => {
    vi.useFakeTimers({ toFake: [...onlyTimeouts.toFake] });
    const first = await loadTokenCounter('cl100k_base');
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(TOKENIZER_IDLE_MS - 1);
      expect(await loadTokenCounter('cl100k_base')).toBe(first);
    }
    expect(vi.getTimerCount()).toBe(1); // one release timer per table, re-armed, not stacked
  });
});
