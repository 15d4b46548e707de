import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteUploadedFiles } from '../../../src/activities/providerChecks.js';
import {
  startOpenAIEmulator,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import { openAIProvider } from '../../../src/providers/openai/index.js';
import { mockActivityEnvironment } from '../../support/sdkLogs.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample');
const KEY = 'sk-provider-test';

let emulator: RunningOpenAIEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function world(
  options: Parameters<typeof startOpenAIEmulator>[0] = {},
  trainingEnds?: string | null,
) {
  emulator = await startOpenAIEmulator({ apiKey: KEY, ...options });
  const client = new OpenAI({ apiKey: KEY, baseURL: `${emulator.url}/v1`, maxRetries: 0 });
  return openAIProvider({ client, ...(trainingEnds !== undefined ? { trainingEnds } : {}) });
}

const DEC_1 = Date.parse('2026-12-01T00:00:00Z');

describe('the OpenAI provider: runway before anything is spent', () => {
  it('gpt-4.1-mini can be trained until 2027-01-06 and serves until 2027-01-14', async () => {
    const p = await world();
    const r = await p.checkRunway('gpt-4.1-mini-2025-04-14', DEC_1);
    expect(r).toMatchObject({ ok: true, trainableUntil: '2027-01-06', servingUntil: '2027-01-14' });
    expect(r.warning).toBeUndefined(); // 44 days left
    const late = await p.checkRunway('gpt-4.1-mini-2025-04-14', Date.parse('2026-12-20T00:00:00Z'));
    expect(late.warning).toMatch(/stop serving on 2027-01-14 \(in 25 days\).*Azure/);
  });

  it('refuses a base that stopped serving, after job creation ended, and an unknown model — naming the date and the way out', async () => {
    const p = await world();
    const nano = await p.checkRunway('gpt-4.1-nano-2025-04-14', DEC_1);
    expect(nano.ok).toBe(false);
    expect(nano.problem).toMatch(/stopped serving on 2026-10-23/);
    const after = await p.checkRunway(
      'gpt-4.1-mini-2025-04-14',
      Date.parse('2027-01-07T00:00:00Z'),
    );
    expect(after.ok).toBe(false);
    expect(after.problem).toMatch(
      /ended fine-tuning job creation on 2027-01-06.*Azure OpenAI.*finetune migrate/,
    );
    const unknown = await p.checkRunway('gpt-9-turbo', DEC_1);
    expect(unknown.ok).toBe(false);
    expect(unknown.problem).toMatch(/does not know the model "gpt-9-turbo"/);
  });

  it("after training_not_available, the run's own files are deleted (a missing one is no error)", async () => {
    const p = await world();
    const f = await p.client.files.create({
      file: createReadStream(join(DATA, 'train.jsonl')),
      purpose: 'fine-tune',
    });
    const env = mockActivityEnvironment();
    const deleted = await env.run(() => deleteUploadedFiles(p, [f.id, 'file-already-gone']));
    expect(deleted).toEqual([f.id]);
    await expect(p.client.files.retrieve(f.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
