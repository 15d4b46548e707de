// A worker SIGKILLed in the middle of writing a candidate: the next attempt opens the same
// candidate, writes every batch again from the start, and the candidate ends with each chunk
// exactly once — the retried batches are harmless, nothing is duplicated or lost.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkManifest } from '../../src/vectorStores/index.js';
import { chunks } from './support/data.js';
import { STORE_KINDS, storeFixture, type StoreFixture } from './support/fixtures.js';

const DIMS = 64;
const COUNT = 4000;
const BATCH = 250;
const SEED = 7;
const WRITER = join(import.meta.dirname, 'support', 'writeBatches.ts');

/** Runs the writer and SIGKILLs it once it reports `afterBatches` batches; resolves with its output. */
function writeAndKill(
  location: string,
  afterBatches: number,
): Promise<{ wrote: number; killed: boolean }> {
  const args = [location, 'killed', 'run-1', DIMS, COUNT, BATCH, SEED].map(String);
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes(`wrote ${afterBatches}\n`)) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const wrote = (out.match(/wrote \d+/g) ?? []).length;
      if (signal !== 'SIGKILL') reject(new Error(`writer ended by itself (code ${code}): ${err}`));
      else resolve({ wrote, killed: true });
    });
  });
}

describe.each(STORE_KINDS)('%s store: a writer killed mid-batch', (kind) => {
  let f: StoreFixture;
  beforeAll(async () => {
    f = await storeFixture(kind);
  });
  afterAll(() => f?.close());

  it('resumes by rewriting every batch: each chunk once, none missing', async () => {
    const killed = await writeAndKill(f.location, 3);
    expect(killed.killed).toBe(true);
    expect(killed.wrote).toBeLessThan(COUNT / BATCH);

    const rows = chunks('k', COUNT, DIMS, SEED);
    const retry = await f.store.openCandidate({ kb: 'killed', candidateId: 'run-1', dims: DIMS });
    expect(retry.created).toBe(false);
    const before = await retry.count();
    expect(before).toBeGreaterThanOrEqual(3 * BATCH); // what the killed writer committed stays
    expect(before).toBeLessThan(COUNT);
    for (let i = 0; i < rows.length; i += BATCH) await retry.upsert(rows.slice(i, i + BATCH));

    const check = checkManifest(
      await retry.listIds(),
      rows.map((r) => r.chunkId),
    );
    expect(check).toMatchObject({ ok: true, stored: COUNT });
    expect(await retry.count()).toBe(COUNT);
    const [hit] = await retry.search({ vector: rows[1234]!.vector, k: 1 });
    expect(hit?.chunkId).toBe(rows[1234]!.chunkId);
  });
});
