import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodedResults, parseResultsRows } from '../../../src/providers/openaiApi/resultsFile.js';

const csv = [
  'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy',
  '1,2.5,0.4,,',
  '2,2.1,0.5,2.3,0.45',
  '3,1.7,0.6,,',
].join('\n');

/** Splits bytes into awkward chunk sizes so base64 groups straddle chunk boundaries. */
function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

async function rows(body: Readable) {
  const { stream, base64 } = await decodedResults(body);
  const out: Record<string, string>[] = [];
  for await (const r of parseResultsRows(stream)) out.push(r);
  return { out, base64 };
}

describe('results file decoding', () => {
  it('reads plain CSV by column name', async () => {
    const { out, base64 } = await rows(chunked(Buffer.from(csv), 7));
    expect(base64).toBe(false);
    expect(out).toHaveLength(3);
    expect(out[1]).toMatchObject({ step: '2', valid_loss: '2.3' });
  });

  it('decodes base64 whatever the chunk boundaries', async () => {
    const encoded = Buffer.from(Buffer.from(csv).toString('base64'));
    for (const size of [1, 3, 5, 13, 64]) {
      const { out, base64 } = await rows(chunked(encoded, size));
      expect(base64).toBe(true);
      expect(out.map((r) => r.train_loss)).toEqual(['2.5', '2.1', '1.7']);
    }
  });

  it('keeps unknown columns', async () => {
    const { out } = await rows(
      Readable.from([Buffer.from('step,train_loss,full_valid_loss\n1,2,3\n')]),
    );
    expect(out[0]).toEqual({ step: '1', train_loss: '2', full_valid_loss: '3' });
  });
});
