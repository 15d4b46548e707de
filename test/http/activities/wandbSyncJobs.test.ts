import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listJobIds } from '../../../src/providers/openaiApi/syncJobs.js';
import {
  startOpenAIEmulator,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';

const TRAIN = join(import.meta.dirname, '..', '..', '..', 'data', 'sample', 'train.jsonl');
/** More than one page of the activity's page size (100). */
const JOBS = 230;

describe('listJobIds (which jobs "sync everything" means)', () => {
  let emulator: RunningOpenAIEmulator;
  let client: OpenAI;
  /** Newest first, as the API lists them. */
  let created: string[];
  beforeAll(async () => {
    // Jobs that stay validating for the whole test: only their ids matter here.
    emulator = await startOpenAIEmulator({
      apiKey: 'sk-list',
      durations: { validatingMs: 3_600_000, fileProcessingMs: 0 },
    });
    client = new OpenAI({ apiKey: 'sk-list', baseURL: `${emulator.url}/v1` });
    const file = await client.files.create({ file: createReadStream(TRAIN), purpose: 'fine-tune' });
    await client.files.waitForProcessing(file.id, { pollInterval: 20 });
    created = [];
    for (let i = 0; i < JOBS; i++) {
      const job = await client.fineTuning.jobs.create({
        model: 'gpt-4.1-mini-2025-04-14',
        training_file: file.id,
      });
      created.unshift(job.id);
    }
  });
  afterAll(() => emulator?.close());

  it('every job, across pages, newest first (WandbLogger read only the first page of 20)', async () => {
    const before = emulator.stats().requests['GET /v1/fine_tuning/jobs'] ?? 0;
    const ids = await listJobIds(client, undefined);
    expect(ids).toEqual(created);
    const pages = (emulator.stats().requests['GET /v1/fine_tuning/jobs'] ?? 0) - before;
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('with a limit: the N newest, even when N spans pages', async () => {
    expect(await listJobIds(client, 2)).toEqual(created.slice(0, 2));
    expect(await listJobIds(client, 150)).toEqual(created.slice(0, 150));
  });
});
