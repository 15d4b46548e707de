import { describe, expect, it } from 'vitest';
import { renderResolved } from '../../../src/cli/renderGovernance.js';
import type { ResolvedAlias } from '../../../src/shared/governanceTypes.js';

const resolved: ResolvedAlias = {
  alias: 'production',
  ref: 'tester/p/model-metadata:v2',
  version: 'v2',
  fineTunedModel: 'my-org/Qwen3-8B-support-tfabcdefghij-1a2b',
  servedAs: 'my-org/tf-ft-123',
  jobId: 'ft-123',
  baseModel: 'Qwen/Qwen3-8B',
  promotedBy: 'ops',
  promotedAt: '2026-12-07T16:00:00Z',
  replaced: null,
  aliases: ['production'],
};

describe('resolve: what serves the model and what it costs', () => {
  it('names the endpoint to call, its hardware, replicas and cost per hour', () => {
    const text = renderResolved({
      ...resolved,
      serving: {
        kind: 'dedicated-endpoint',
        hardware: '1x_nvidia_h100_80gb_sxm',
        replicas: 2,
        costPerHourUsd: 7.98,
      },
    });
    expect(text.split('\n')[0]).toBe('production → my-org/tf-ft-123');
    expect(text).toContain(
      '  endpoint  1x_nvidia_h100_80gb_sxm × 2, $7.98/hour while it runs (as recorded when it was served)',
    );
  });

  it('says nothing of serving for a model called by its id', () => {
    expect(renderResolved(resolved)).not.toMatch(/endpoint|deployed/);
  });

  it('lists what of ours runs and bills now, live, with the total per hour', () => {
    const text = renderResolved({
      ...resolved,
      running: [
        {
          name: 'tf-ft-123',
          servedAs: 'my-org/tf-ft-123',
          model: 'm',
          state: 'running',
          costPerHourUsd: 3.99,
          hardware: '1x_nvidia_h100_80gb_sxm',
          replicas: 1,
        },
        {
          name: 'tf-ft-099',
          servedAs: 'my-org/tf-ft-099',
          model: 'm',
          state: 'starting',
          costPerHourUsd: 2.5,
          hardware: '1x_nvidia_a100_80gb_sxm',
          replicas: 1,
        },
      ],
    });
    expect(text).toContain(
      '  running   my-org/tf-ft-123 on 1x_nvidia_h100_80gb_sxm × 1, $3.99/hour',
    );
    expect(text).toContain(
      '  running   my-org/tf-ft-099 on 1x_nvidia_a100_80gb_sxm × 1 (starting), $2.50/hour',
    );
    expect(text).toContain('2 endpoint(s) of ours running, $6.49/hour in all');
    expect(renderResolved({ ...resolved, running: [] })).toContain(
      'running   none of ours (nothing billed by the hour)',
    );
  });
});
