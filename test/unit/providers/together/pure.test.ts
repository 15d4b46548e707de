import { describe, expect, it } from 'vitest';
import type { FinetuneModelLimits } from 'together-ai/resources/fine-tuning';
import { runKey } from '../../../../src/providers/shared/runKey.js';
import { suffixWithKey } from '../../../../src/providers/together/jobs.js';
import { RUN_KEY_LENGTH } from '../../../../src/providers/shared/runKey.js';
import { checkAgainstLimits } from '../../../../src/providers/together/limits.js';
import { togetherTraining } from '../../../../src/providers/together/method.js';
import {
  latestOf,
  metricsToHistory,
  type MetricsRow,
} from '../../../../src/providers/together/metrics.js';
import { neutralStatus, toSnapshot } from '../../../../src/providers/together/snapshot.js';
import { describeJob } from '../../../../src/workflows/describe.js';

const LIMITS: FinetuneModelLimits = {
  model_name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  default_gradient_accumulation_steps: 1,
  lora_training: {
    max_batch_size: 32,
    max_batch_size_dpo: 16,
    min_batch_size: 8,
    max_rank: 64,
    target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
  },
  max_learning_rate: 1e-3,
  min_learning_rate: 1e-6,
  max_num_checkpoints: 5,
  max_num_epochs: 20,
  max_num_evals: 10,
  max_seq_length_dpo: 4096,
  max_seq_length_sft: 8192,
  merge_output_lora: true,
  min_max_seq_length: 512,
  supports_full_training: false,
  supports_reasoning: false,
  supports_tools: true,
  supports_vision: false,
};

describe('Together: the run key in the suffix', () => {
  it('is stable per run, differs between runs, and fits the suffix budget', () => {
    const a = runKey('wf-1', 'run-1');
    expect(a).toBe(runKey('wf-1', 'run-1'));
    expect(a).not.toBe(runKey('wf-1', 'run-2'));
    expect(a).toMatch(/^tf[a-z2-7]{10}$/);
    expect(a).toHaveLength(RUN_KEY_LENGTH);
    expect(suffixWithKey('support', a)).toBe(`support-${a}`);
    expect(suffixWithKey(undefined, a)).toBe(a);
  });
});

describe('Together: statuses and snapshots', () => {
  it('maps its statuses, keeps the raw one, and takes an unknown status as running', () => {
    expect(neutralStatus('completed')).toBe('succeeded');
    expect(neutralStatus('error')).toBe('failed');
    expect(neutralStatus('cancel_requested')).toBe('running');
    expect(neutralStatus('pending')).toBe('queued');
    expect(neutralStatus('rebalancing')).toBe('running');
    const snap = toSnapshot(
      {
        id: 'ft-1',
        status: 'rebalancing',
        progress: { estimate_available: true, seconds_remaining: 90 },
        total_price: 2_500_000_000,
        events: [{ type: 'checkpoint_save', step: 7, total_steps: 20 }],
      },
      undefined,
      1_000_000,
    );
    expect(snap).toMatchObject({
      status: 'running',
      rawStatus: 'rebalancing',
      estimatedFinish: 1000 + 90,
      estimateCovers: 'phase',
      step: 7,
      totalSteps: 20,
      costUsd: 2.5,
    });
  });

  it('names a failed job by its last job_error event', () => {
    const snap = toSnapshot({
      id: 'ft-2',
      status: 'error',
      events: [
        { type: 'job_error', message: 'first' },
        { type: 'job_error', message: 'out of memory' },
      ],
    });
    expect(snap.status).toBe('failed');
    expect(snap.error?.message).toBe('out of memory');
    expect(snap.resultFiles).toEqual(['ft-2']);
  });
});

describe('Together: metrics as W&B history', () => {
  it('merges a train and an eval row of the same step into one line, sorted by step', () => {
    const rows: MetricsRow[] = [
      { 'train/global_step': 2, 'train/loss': 1.5 },
      { 'train/global_step': 1, 'train/loss': 2 },
      { 'train/global_step': 2, 'eval/loss': 1.7 },
      { 'train/loss': 9 },
    ];
    const history = metricsToHistory(rows);
    expect(history).toEqual([
      { step: 1, values: { 'train/loss': 2 } },
      { step: 2, values: { 'train/loss': 1.5, 'eval/loss': 1.7 } },
    ]);
    // A re-sync of the same rows writes the same lines.
    expect(metricsToHistory([...rows, ...rows])).toEqual(history);
    expect(latestOf(rows)).toEqual({ step: 2, trainLoss: 1.5, validLoss: 1.7 });
  });
});

describe('Together: the request against the base model limits', () => {
  const check = (tuning: Parameters<typeof checkAgainstLimits>[0]['tuning'], extra = {}) =>
    checkAgainstLimits({ model: LIMITS.model_name, method: 'supervised', tuning, ...extra }, LIMITS)
      .problems;

  it('refuses full training on a LoRA-only base, a rank above the cap, a batch out of bounds', () => {
    expect(check({ type: 'full' })[0]).toMatch(/LoRA adapters only/);
    expect(check({ lora: { r: 128 } })[0]).toMatch(/rank 128 is outside 1–64/);
    expect(check({ batchSize: 4 })[0]).toMatch(/batch size 4 is outside 8–32/);
    expect(check({ batchSize: 'max' })).toEqual([]);
    expect(check({ lora: { modules: 'q_proj,gate_proj' } })[0]).toMatch(/gate_proj/);
  });

  it('refuses an example longer than the base trains on, and a multiplier', () => {
    expect(check({}, { longestExampleTokens: 9000 })[0]).toMatch(/9000 tokens.*8192/);
    expect(check({}, { hyperparameters: { learning_rate_multiplier: 2 } })[0]).toMatch(
      /absolute learning rate/,
    );
    expect(check({ learningRate: 1e-4, evals: 2 }, { hasValidation: true })).toEqual([]);
  });
});

describe('Together: our settings in its fields', () => {
  it('LoRA by default with alpha 2r, DPO beta, full, "max" batch and the seed as random_seed', () => {
    expect(togetherTraining(undefined, { lora: { r: 16 } }, 7, undefined)).toMatchObject({
      training_method: { method: 'sft', train_on_inputs: 'auto' },
      training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32 },
      random_seed: 7,
    });
    expect(
      togetherTraining(
        { type: 'dpo', hyperparameters: { beta: 0.2 } },
        { type: 'full', batchSize: 'max' },
        undefined,
        undefined,
      ),
    ).toMatchObject({
      training_method: { method: 'dpo', dpo_beta: 0.2 },
      training_type: { type: 'Full' },
      batch_size: 'max',
    });
    // Nothing given: Together's defaults (LoRA), no training_type sent.
    expect(togetherTraining(undefined, {}, undefined, undefined).training_type).toBeUndefined();
  });
});

describe('Together: what the UI shows of a job', () => {
  it('an unknown status as sent, the epoch, and the time to the next state', () => {
    const line = describeJob(
      toSnapshot(
        {
          id: 'ft-9',
          status: 'rebalancing',
          epochs_completed: 1,
          progress: { estimate_available: true, seconds_remaining: 60 },
        },
        { step: 12, trainLoss: 0.5, validLoss: null },
        Date.parse('2026-12-07T16:00:00Z'),
      ),
    );
    expect(line).toContain('running (rebalancing at the provider)');
    expect(line).toContain('epoch 1');
    expect(line).toContain('next state by 2026-12-07T16:01:00.000Z');
  });
});
