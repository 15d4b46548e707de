import { describe, expect, it } from 'vitest';
import { awaitingApprovalText, stageDetails } from '../../../src/workflows/details.js';

describe("the pipeline's current details", () => {
  it('lead with the stage, in bold, in words', () => {
    expect(stageDetails('creating_job', 'the fine-tuning job')).toBe(
      '**creating job** — the fine-tuning job',
    );
    expect(stageDetails('promoted')).toBe('**promoted**');
  });

  it('while awaiting approval: the gates, then the commands and the signal that decide', () => {
    const text = stageDetails(
      'awaiting_approval',
      awaitingApprovalText('finetune-1', 'team-a', '**Promotion gates:** 4 pass'),
    );
    const [head, gates, decide] = text.split('\n\n');
    expect(head).toBe('**awaiting approval** — a person decides whether this model is promoted');
    expect(gates).toBe('**Promotion gates:** 4 pass');
    expect(decide).toContain('`npx finetune approve finetune-1 --by NAME --namespace team-a`');
    expect(decide).toContain(
      "`npx finetune reject finetune-1 --by NAME --comment 'why not' --namespace team-a`",
    );
    expect(decide).toContain('`approvePromotion`');
    expect(decide).toContain('{"by": "your-name", "comment": "optional"}');
  });
});
