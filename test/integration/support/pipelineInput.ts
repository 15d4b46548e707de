import { join } from 'node:path';
import type { PipelineInput, WaitPolicy } from '../../../src/shared/types.js';

const DATA = join(import.meta.dirname, '..', '..', '..', 'data', 'sample');
export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'datasets');

/**
 * The bundled sample, with a wait policy sized for seconds-long emulated jobs. Promotion is off
 * unless a test asks for it, so the earlier tiers end at `succeeded` as they always did.
 */
export function sampleInput(
  wait: Partial<WaitPolicy>,
  extra: Partial<PipelineInput> = {},
): PipelineInput {
  return {
    training: { path: join(DATA, 'train.jsonl') },
    validation: { path: join(DATA, 'valid.jsonl') },
    model: 'gpt-4.1-mini-2025-04-14',
    suffix: 'it',
    wait,
    promotion: false,
    ...extra,
  };
}
