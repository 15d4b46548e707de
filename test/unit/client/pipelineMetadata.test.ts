import { describe, expect, it } from 'vitest';
import { pipelineStaticDetails, pipelineSummary } from '../../../src/client/pipelineMetadata.js';
import type { PipelineInput } from '../../../src/shared/types.js';

const input: PipelineInput = {
  training: { path: '/data/support/train.jsonl' },
  validation: { path: '/data/support/valid.jsonl' },
  model: 'gpt-4.1-mini-2025-04-14',
  promotion: { approvers: ['alice', 'bob'] },
};

describe('what the Web UI shows at the top of a pipeline', () => {
  it('summary: one line, what it trains on what, and where to look for the rest', () => {
    const summary = pipelineSummary(input);
    expect(summary).toBe(
      'fine-tune gpt-4.1-mini-2025-04-14 on train.jsonl + valid.jsonl · stage and next step: Current Details',
    );
    expect(summary).not.toContain('\n');
  });

  it('details: what it does, then commands that watch, stop and decide it, reaching this server', () => {
    const details = pipelineStaticDetails(input, 'finetune-1', {
      address: '10.0.0.5:7233',
      namespace: 'default',
    });
    expect(details).toContain('`/data/support/train.jsonl`');
    expect(details).toContain('approvers: alice, bob');
    expect(details).toContain('`npx finetune status finetune-1 --watch --address 10.0.0.5:7233`');
    expect(details).toContain(
      '`npx finetune approve finetune-1 --by NAME --address 10.0.0.5:7233`',
    );
    expect(details).toContain('Current Details');
  });

  it('with promotion off there is nothing to decide', () => {
    const details = pipelineStaticDetails({ ...input, promotion: false }, 'finetune-1', {});
    expect(details).toContain('Promotion is off');
    expect(details).not.toContain('approve');
  });
});
