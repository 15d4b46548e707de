import { describe, expect, it } from 'vitest';
import { ConfigError, readWorkerEnv } from '../../../../src/config.js';
import { providerFromEnv } from '../../../../src/providers/fromEnv.js';
import { parseCustomModel } from '../../../../src/providers/openaiCompatible/customModels.js';
import {
  COMPATIBLE_MODEL_IDS,
  defaultDeployUrl,
} from '../../../../src/providers/openaiCompatible/index.js';
import { isNamed, shortName } from '../../../../src/providers/openaiCompatible/serving.js';
import { defaultTaskQueue } from '../../../../src/providers/registry.js';

// FINETUNE_PROVIDER=openai-compatible: its settings, and what it declares it cannot know.

const BASE = {
  FINETUNE_PROVIDER: 'openai-compatible',
  FINETUNE_COMPATIBLE_BASE_URL: 'https://api.tokenfactory.nebius.com/v1',
  FINETUNE_COMPATIBLE_API_KEY: 'nb-key',
};

const problems = (env: NodeJS.ProcessEnv): string => {
  try {
    readWorkerEnv(env);
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
};

describe('openai-compatible settings', () => {
  it('needs the base URL and the key, each named with what it is', () => {
    const text = problems({ FINETUNE_PROVIDER: 'openai-compatible' });
    expect(text).toMatch(/FINETUNE_COMPATIBLE_BASE_URL is not set/);
    expect(text).toMatch(/FINETUNE_COMPATIBLE_API_KEY is not set/);
    expect(text).not.toMatch(/OPENAI_API_KEY is not set/);
    expect(problems(BASE)).toBe('');
  });

  it('listens on its own task queue', () => {
    expect(readWorkerEnv(BASE).FINETUNE_TASK_QUEUE).toBe(defaultTaskQueue('openai-compatible'));
    expect(defaultTaskQueue('openai-compatible')).not.toBe(defaultTaskQueue('openai'));
  });

  it('refuses a deploy URL that is neither a URL nor none, and a metadata mode it does not know', () => {
    expect(problems({ ...BASE, FINETUNE_COMPATIBLE_DEPLOY_URL: 'v0/models' })).toMatch(
      /FINETUNE_COMPATIBLE_DEPLOY_URL/,
    );
    expect(problems({ ...BASE, FINETUNE_COMPATIBLE_JOB_METADATA: 'maybe' })).toMatch(
      /FINETUNE_COMPATIBLE_JOB_METADATA/,
    );
  });
});

describe('openai-compatible capabilities', () => {
  it('by default: no webhooks, metadata not trusted, a deployment step, no price, no time left, Files API only', () => {
    const p = providerFromEnv(readWorkerEnv(BASE));
    expect(p.name).toBe('openai-compatible');
    expect(p.label).toBe('api.tokenfactory.nebius.com');
    expect(p.capabilities).toMatchObject({
      webhooks: false,
      jobMetadata: 'none',
      deploymentStep: 'deployment',
      priceEstimate: 'none',
      timeLeft: 'none',
      upload: { maxFileBytes: 512 * 1024 * 1024, parts: 'no' },
      methods: ['supervised'],
    });
    // The run key (13 characters with its dash) must fit after the person's suffix.
    expect(p.capabilities.suffix.maxLength).toBe(51);
    expect(p.capabilities.suffix.pattern.test('a'.repeat(52))).toBe(false);
  });

  it('what the host is known to do is set, not guessed: metadata, upload limit, parts, no deployment', () => {
    const p = providerFromEnv(
      readWorkerEnv({
        ...BASE,
        FINETUNE_COMPATIBLE_JOB_METADATA: 'filtered',
        FINETUNE_COMPATIBLE_MAX_FILE_BYTES: String(5 * 1024 ** 3),
        FINETUNE_COMPATIBLE_UPLOADS: 'true',
        FINETUNE_COMPATIBLE_DEPLOY_URL: 'none',
        FINETUNE_COMPATIBLE_LABEL: 'Nebius Token Factory',
      }),
    );
    expect(p.label).toBe('Nebius Token Factory');
    expect(p.capabilities).toMatchObject({
      jobMetadata: 'filtered',
      deploymentStep: 'none',
      upload: { maxFileBytes: 5 * 1024 ** 3, parts: 'try' },
    });
    expect(p.capabilities.suffix.maxLength).toBe(64);
  });

  it('with no deployment step, a model is served by its own id', async () => {
    const p = providerFromEnv(readWorkerEnv({ ...BASE, FINETUNE_COMPATIBLE_DEPLOY_URL: 'none' }));
    const record = await p.serve(
      { model: 'ft:m:org:s:abc', purpose: 'production', name: 'ftjob-1' },
      () => undefined,
    );
    expect(record).toEqual({
      provider: 'openai-compatible',
      model: 'ft:m:org:s:abc',
      servedAs: 'ft:m:org:s:abc',
    });
  });

  it("no price before the job: the estimate says why there is none (OpenAI's rates would mislead)", async () => {
    const p = providerFromEnv(readWorkerEnv(BASE));
    const estimate = await p.estimateCost({ model: 'm', trainingFileId: 'f', localUsd: 3.2 });
    expect(estimate).toMatchObject({ source: 'none', usd: null });
    expect(estimate.unavailable).toMatch(/no price/);
  });
});

describe('the deployment call, read tolerantly', () => {
  it("defaults to Nebius's /v0/models at the API host's root", () => {
    expect(defaultDeployUrl('https://api.tokenfactory.nebius.com/v1/')).toBe(
      'https://api.tokenfactory.nebius.com/v0/models',
    );
  });

  it('parses the reference shape, and a source given as job and checkpoint ids', () => {
    expect(
      parseCustomModel({
        name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:bot-udpd',
        status: 'ACTIVE',
        base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
        job_id: 'ftjob-1',
        checkpoint_id: 'ftckpt_2',
        created_at: '2026-12-01T10:00:00Z',
      }),
    ).toEqual({
      name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:bot-udpd',
      status: 'active',
      source: 'ftjob-1:ftckpt_2',
      baseModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
      createdAt: Date.parse('2026-12-01T10:00:00Z') / 1000,
      reason: null,
    });
    expect(parseCustomModel({ status: 'active' })).toBeUndefined();
  });

  it('recognises our model inside the full name the host gives it', () => {
    const full = 'meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:ftjob-abc-udpd';
    const model = parseCustomModel({ name: full, status: 'active' })!;
    expect(isNamed(model, 'ftjob-abc')).toBe(true);
    expect(isNamed(model, 'ftjob-ab')).toBe(false);
    expect(isNamed(model, 'eval-ftjob-abc-candidate')).toBe(false);
    expect(shortName('eval-ftjob-a_b-candidate')).toBe('eval-ftjob-a-b-candidate');
  });

  it('model ids: fine-tunes in each known form, and their base', () => {
    const ids = COMPATIBLE_MODEL_IDS;
    expect(ids.isFineTuned('meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:bot-udpd')).toBe(true);
    expect(ids.isFineTuned('ftjob-1:ftckpt_2')).toBe(true);
    expect(ids.isFineTuned('ft:gpt-4.1-mini-2025-04-14:org:s:abc')).toBe(true);
    expect(ids.isFineTuned('meta-llama/Meta-Llama-3.1-8B-Instruct')).toBe(false);
    expect(ids.baseOf('meta-llama/Meta-Llama-3.1-8B-Instruct-LoRa:bot-udpd')).toBe(
      'meta-llama/Meta-Llama-3.1-8B-Instruct',
    );
    expect(ids.baseOf('ft:gpt-4.1-mini-2025-04-14:org:s:abc')).toBe('gpt-4.1-mini-2025-04-14');
  });
});
