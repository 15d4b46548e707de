import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatJsonl,
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';
import { violations } from './support/shapes.js';

const byId = (models: OpenAI.Models.Model[]) => new Map(models.map((m) => [m.id, m]));
const shutdown = (m: OpenAI.Models.Model | undefined) =>
  (m as { shutdown_date?: string | null } | undefined)?.shutdown_date;

describe('GET /v1/models (OpenAI flavour)', () => {
  let t: TestEmulator;
  let fineTuned: string;
  beforeAll(async () => {
    t = await startTestEmulator(FAST);
    const training = await uploadJsonl(t.client, chatJsonl(12));
    const job = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-nano',
      training_file: training.id,
      suffix: 'models',
    });
    fineTuned = (await runToEnd(t.client, job.id)).job.fine_tuned_model!;
  });
  afterAll(() => t.close());

  it('lists the base models with the announced shutdown dates', async () => {
    const models = byId((await t.client.models.list()).data);
    for (const id of [
      'gpt-4o',
      'gpt-4o-2024-08-06',
      'gpt-4o-mini-2024-07-18',
      'gpt-4.1',
      'gpt-4.1-2025-04-14',
      'gpt-4.1-mini-2025-04-14',
    ]) {
      expect(shutdown(models.get(id))).toBe('2027-01-14');
    }
    expect(shutdown(models.get('gpt-4.1-nano-2025-04-14'))).toBe('2026-10-23');
    expect(shutdown(models.get('gpt-4.1-nano'))).toBe('2026-10-23');
    expect(shutdown(models.get('gpt-3.5-turbo-0125'))).toBeNull();
    expect(models.get('gpt-4.1-mini-2025-04-14')).toMatchObject({
      object: 'model',
      owned_by: 'system',
      created: Date.parse('2025-04-14T00:00:00Z') / 1000,
    });
  });

  it("lists this emulator's fine-tunes and their checkpoints with their base's date", async () => {
    const models = byId((await t.client.models.list()).data);
    const tuned = models.get(fineTuned);
    expect(tuned).toMatchObject({ object: 'model' });
    expect(tuned?.owned_by).toMatch(/^org-/);
    expect(shutdown(tuned)).toBe('2026-10-23');
    const checkpoints = [...models.keys()].filter((id) => id.includes(':ckpt-step-'));
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(shutdown(models.get(checkpoints[0]!))).toBe('2026-10-23');
  });

  it('retrieves one model by id (ft: ids too), 404 model_not_found otherwise', async () => {
    expect(await t.client.models.retrieve(fineTuned)).toMatchObject({ id: fineTuned });
    expect(shutdown(await t.client.models.retrieve('gpt-4.1-mini'))).toBe('2027-01-14');
    await expect(t.client.models.retrieve('gpt-9')).rejects.toMatchObject({
      status: 404,
      error: { code: 'model_not_found' },
    });
  });

  it('checks Model and ListModelsResponse strictly', () => {
    const good = {
      id: 'gpt-4.1-mini',
      object: 'model',
      created: 1_744_588_800,
      owned_by: 'system',
      shutdown_date: '2027-01-14',
    };
    expect(violations('Model', good)).toEqual([]);
    expect(violations('Model', { ...good, shutdown_date: null })).toEqual([]);
    expect(violations('Model', { ...good, shutdown_date: '14/01/2027' })).not.toEqual([]);
    expect(violations('Model', { ...good, created: Date.now() })).not.toEqual([]);
    expect(violations('Model', { ...good, permission: [] })).not.toEqual([]);
    expect(violations('ListModelsResponse', { object: 'list', data: [good] })).toEqual([]);
    expect(violations('ListModelsResponse', { object: 'list' })).not.toEqual([]);
  });
});

describe('modelShutdownDates', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({
      ...FAST,
      modelShutdownDates: {
        'gpt-4.1-mini-2025-04-14': '2026-01-01',
        'gpt-3.5-turbo': '2025-06-30',
      },
    });
  });
  afterAll(() => t.close());

  it('overrides by exact id; an alias and the fine-tunes follow their snapshot', async () => {
    const training = await uploadJsonl(t.client, chatJsonl(12));
    const job = await t.client.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: training.id,
    });
    const tuned = (await runToEnd(t.client, job.id)).job.fine_tuned_model!;
    const models = byId((await t.client.models.list()).data);
    expect(shutdown(models.get('gpt-4.1-mini-2025-04-14'))).toBe('2026-01-01');
    expect(shutdown(models.get('gpt-4.1-mini'))).toBe('2026-01-01');
    expect(shutdown(models.get(tuned))).toBe('2026-01-01');
    expect(shutdown(models.get('gpt-3.5-turbo'))).toBe('2025-06-30');
    expect(shutdown(models.get('gpt-3.5-turbo-0125'))).toBeNull();
    expect(shutdown(models.get('gpt-4o'))).toBe('2027-01-14');
  });
});
