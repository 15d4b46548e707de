import { describe, expect, it } from 'vitest';
import { renderDecision, renderRollback } from '../../../src/cli/renderGovernance.js';
import type { AliasMoveResult } from '../../../src/shared/governanceTypes.js';

const P = 'acme/ft';

describe('what a rollback prints', () => {
  it('names the real from → to per role, and the dataset the alias was taken off', () => {
    const r: AliasMoveResult = {
      kind: 'rollback',
      alias: 'production',
      model: { ref: `${P}/model-metadata:v0`, replaced: `${P}/model-metadata:v1` },
      datasets: [
        { role: 'training', ref: `${P}/train:v0`, replaced: null, from: `${P}/walk-train:v0` },
        {
          role: 'validation',
          ref: `${P}/valid:v0`,
          replaced: `${P}/valid:v0`,
          from: `${P}/valid:v0`,
        },
      ],
      removed: [{ role: 'training', ref: `${P}/walk-train:v0`, movedTo: `${P}/train:v0` }],
      alreadyThere: false,
    };
    expect(renderRollback(r, 'ops').split('\n')).toEqual([
      `"production" rolled back by ops: ${P}/model-metadata:v1 → ${P}/model-metadata:v0`,
      `  training: ${P}/walk-train:v0 → ${P}/train:v0`,
      `  validation: ${P}/valid:v0 (unchanged)`,
      `  "production" removed from ${P}/walk-train:v0 (training; now ${P}/train:v0)`,
    ]);
  });

  it('reads a result from an older worker (no `from`) by what held the alias in the collection', () => {
    const r: AliasMoveResult = {
      kind: 'rollback',
      alias: 'production',
      model: { ref: `${P}/model-metadata:v0`, replaced: `${P}/model-metadata:v1` },
      datasets: [{ role: 'training', ref: `${P}/train:v0`, replaced: `${P}/train:v1` }],
      alreadyThere: false,
    };
    expect(renderRollback(r, 'ops')).toContain(`training: ${P}/train:v1 → ${P}/train:v0`);
  });
});

describe('what an approval prints', () => {
  it('says which dataset versions moved and which lost the alias', () => {
    const text = renderDecision({
      accepted: true,
      decision: { decision: 'approve', by: 'alice', at: '2026-12-01T00:00:00Z', how: 'update' },
      promotion: {
        promoted: true,
        alias: 'production',
        modelVersion: `${P}/model-metadata:v1`,
        replaced: `${P}/model-metadata:v0`,
        datasetVersions: [
          { role: 'training', ref: `${P}/walk-train:v0`, replaced: null, from: `${P}/train:v0` },
        ],
        datasetsRemoved: [
          { role: 'training', ref: `${P}/train:v0`, movedTo: `${P}/walk-train:v0` },
        ],
      },
    });
    expect(text.split('\n').slice(1)).toEqual([
      `  training → ${P}/walk-train:v0 (was ${P}/train:v0)`,
      `  "production" removed from ${P}/train:v0 (training; now ${P}/walk-train:v0)`,
    ]);
  });
});
