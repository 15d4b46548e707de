import { describe, expect, it } from 'vitest';
import { missingWandbRecord, type PipelineFacts } from '../../../src/client/lineage.js';

// `finetune lineage <workflow id>` when W&B has no model version for the pipeline's job: the
// message says what is really missing, a record that existed or a sync that never happened.

const where = { project: 'OpenAI-Fine-Tune', collection: 'model-metadata' };
const facts = (over: Partial<PipelineFacts>): PipelineFacts => ({
  workflowId: 'finetune-1',
  stage: 'promoted',
  datasets: [],
  files: [],
  jobId: 'ftjob-abc',
  fineTunedModel: 'ft:gpt-4.1-mini:x',
  approval: null,
  wandb: null,
  ...over,
});

describe('missingWandbRecord', () => {
  it('a pipeline that synced: its W&B record is gone, and where it went', () => {
    const p = facts({
      wandb: { runPath: 'sandbox/OpenAI-Fine-Tune/ftjob-abc', artifacts: [], skipped: undefined },
    });
    expect(missingWandbRecord(p, { ...where, entity: 'team' })).toBe(
      'the W&B record of this model is gone: the pipeline synced job ftjob-abc to W&B run ' +
        'sandbox/OpenAI-Fine-Tune/ftjob-abc, but W&B team/OpenAI-Fine-Tune has no ' +
        'model-metadata:ftjob-abc now. It was deleted, or the worker now writes to another W&B ' +
        'server, entity or project (as a sandbox does whose W&B emulator started empty).',
    );
  });

  it('a pipeline that skipped W&B: not synced, and how to sync it', () => {
    const p = facts({
      stage: 'succeeded',
      wandb: { skipped: 'W&B is not configured on the worker', artifacts: [] },
    });
    expect(missingWandbRecord(p, where)).toBe(
      'not synced to W&B: the pipeline skipped it (W&B is not configured on the worker); `finetune sync ftjob-abc` syncs the job now.',
    );
  });

  it('a pipeline still training, or one that ended before its sync', () => {
    expect(missingWandbRecord(facts({ stage: 'training' }), where)).toBe(
      'not synced to W&B yet: the pipeline is at training, and syncs when training ends.',
    );
    expect(missingWandbRecord(facts({ stage: 'cancelled' }), where)).toMatch(
      /^not synced to W&B: the pipeline ended \(cancelled\) before its W&B sync/,
    );
  });
});
