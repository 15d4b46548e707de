import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  isoUtc,
  jobMetadata,
  jobOutcomeSummary,
  jobRunConfig,
} from '../../../src/providers/openaiApi/jobRecord.js';

type Job = OpenAI.FineTuning.FineTuningJob;

/** A job as the API returns it (healthy jobs carry `error: {}`), with overrides. */
function job(overrides: Record<string, unknown> = {}): Job {
  return {
    id: 'ftjob-abc123',
    object: 'fine_tuning.job',
    created_at: 1_700_000_000,
    finished_at: 1_700_003_661,
    error: {},
    fine_tuned_model: 'ft:gpt-4.1-mini-2025-04-14:personal:it:AbCd1234',
    hyperparameters: { batch_size: 1, learning_rate_multiplier: 2, n_epochs: 3 },
    model: 'gpt-4.1-mini-2025-04-14',
    organization_id: 'org-x',
    result_files: ['file-results1', 'file-results2'],
    seed: 42,
    status: 'succeeded',
    trained_tokens: 1234,
    training_file: 'file-train',
    validation_file: 'file-valid',
    method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 3 } } },
    metadata: null,
    ...overrides,
  } as unknown as Job;
}

describe('isoUtc', () => {
  it('renders Unix seconds as ISO 8601 in UTC with the zone marked', () => {
    expect(isoUtc(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
    expect(isoUtc(0)).toBeNull();
    expect(isoUtc(null)).toBeNull();
    expect(isoUtc(undefined)).toBeNull();
    expect(isoUtc(Number.NaN)).toBeNull();
  });

  it('does not depend on the machine time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      expect(isoUtc(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('jobRunConfig', () => {
  it('keeps every field, times in UTC, the first results file, nested values as JSON', () => {
    const config = jobRunConfig(job());
    expect(config).toMatchObject({
      id: 'ftjob-abc123',
      created_at: '2023-11-14T22:13:20Z',
      finished_at: '2023-11-14T23:14:21Z',
      result_files: 'file-results1',
      training_file: 'file-train',
      validation_file: 'file-valid',
      trained_tokens: 1234,
      seed: 42,
    });
    expect(config.hyperparameters).toEqual({
      batch_size: 1,
      learning_rate_multiplier: 2,
      n_epochs: 3,
    });
    expect(config.method).toEqual({
      type: 'supervised',
      supervised: { hyperparameters: { n_epochs: 3 } },
    });
  });

  it('treats the empty error object of a healthy job as no error', () => {
    expect(jobRunConfig(job()).error).toBeNull();
    expect(jobRunConfig(job({ error: null })).error).toBeNull();
  });

  it('keeps a real error as an object', () => {
    const error = { code: 'training_failed', message: 'boom', param: null };
    expect(jobRunConfig(job({ status: 'failed', error })).error).toEqual(error);
  });

  it('a job without results or finish time gets nulls, not bogus dates', () => {
    const config = jobRunConfig(job({ result_files: [], finished_at: null, status: 'running' }));
    expect(config.result_files).toBeNull();
    expect(config.finished_at).toBeNull();
  });
});

describe('jobMetadata', () => {
  it('keeps Unix times and the results list, with nested objects that survive JSON', () => {
    const meta = jobMetadata(job());
    expect(meta.created_at).toBe(1_700_000_000);
    expect(meta.result_files).toEqual(['file-results1', 'file-results2']);
    expect(meta.error).toBeNull();
    expect(JSON.parse(JSON.stringify(meta))).toEqual(meta);
  });
});

describe('jobOutcomeSummary', () => {
  it('a succeeded job: status, model, trained tokens, no error', () => {
    expect(jobOutcomeSummary(job())).toEqual({
      status: 'succeeded',
      fine_tuned_model: 'ft:gpt-4.1-mini-2025-04-14:personal:it:AbCd1234',
      trained_tokens: 1234,
    });
  });

  it('a failed job: status and its error, no model', () => {
    const error = { code: 'training_failed', message: 'boom', param: null };
    expect(
      jobOutcomeSummary(
        job({ status: 'failed', error, fine_tuned_model: null, trained_tokens: null }),
      ),
    ).toEqual({ status: 'failed', error });
  });
});
