import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRollback } from '../../src/cli/renderGovernance.js';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { rollback } from '../../src/client/promotion.js';
import type { GateResult } from '../../src/shared/promotionTypes.js';
import type { PipelineResult } from '../../src/shared/types.js';
import { startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

// Training files with other names promote and roll back: afterwards exactly the dataset versions
// the production model was trained on hold `production`, and the drift gate compares with the
// production model's own training set, whatever its file was called.

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const DATA = join(import.meta.dirname, '..', '..', 'data', 'sample');
const COLLECTIONS = ['model-metadata', 'train', 'walk-train', 'valid'];

/** The sample training set plus its first `extra` lines, under `name`: other bytes, other version. */
function trainingFile(name: string, extra: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'renamed-'));
  const lines = readFileSync(join(DATA, 'train.jsonl'), 'utf8').trim().split('\n');
  const path = join(dir, name);
  writeFileSync(path, `${[...lines, ...lines.slice(0, extra)].join('\n')}\n`);
  return path;
}

interface LogEntry {
  kind: string;
  by: string;
  replaced?: string | null;
  movedTo?: string;
}

describe('rollback and promotion move the alias off datasets of other names; drift finds production by lineage', () => {
  let h: Harness;
  const project = `renamed-${randomUUID().slice(0, 8)}`;
  const at = (short: string) => `${TEST_WANDB_ENTITY}/${project}/${short}`;
  const where = { project, collection: 'model-metadata', alias: 'production' };
  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });
  afterAll(() => h?.close());

  const promote = async (suffix: string, training: string): Promise<PipelineResult> => {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput(FAST, {
        suffix,
        training: { path: training },
        wandb: { project },
        promotion: {
          autoApprove: { by: `approver-${suffix}` },
          gates: { pii: 'off', tokenLimit: 'off', eval: 'off', drift: 'warn' },
        },
      }),
      { taskQueue: h.taskQueue },
    );
    const result = await started.handle.result();
    expect(result.stage).toBe('promoted');
    return result;
  };
  const opts = () => ({ taskQueue: h.taskQueue });
  /** Every version of the project's collections that holds `production`, as `collection:vN`. */
  const holders = () =>
    COLLECTIONS.flatMap((c) =>
      h
        .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, c)
        .filter((v) => v.aliases.includes('production'))
        .map((v) => `${c}:v${v.versionIndex}`),
    ).sort();
  const logOf = (short: string): LogEntry[] => {
    const [collection, version] = short.split(':');
    const v = h
      .wandb!.state.artifactVersions(TEST_WANDB_ENTITY, project, collection!)
      .find((x) => `v${x.versionIndex}` === version);
    return (v?.metadata?.governanceLog ?? []) as LogEntry[];
  };
  const driftOf = (r: PipelineResult): GateResult =>
    r.approval!.gates.find((g) => g.gate === 'drift')!;

  it('keeps exactly the production model’s datasets on "production" through promotions and rollbacks', async () => {
    // 1. A on train.jsonl: no production model yet, so drift has nothing to compare.
    const a = await promote('one', join(DATA, 'train.jsonl'));
    expect(driftOf(a)).toMatchObject({
      verdict: 'pass',
      summary: 'drift: no production model yet — nothing to compare',
      drift: { baseline: null, productionModel: null },
    });
    expect(holders()).toEqual(['model-metadata:v0', 'train:v0', 'valid:v0']);

    // 2. B on walk-train.jsonl: drift compares with A's training set, found through A's lineage;
    // promotion takes "production" off train:v0, which B was not trained on.
    const b = await promote('two', trainingFile('walk-train.jsonl', 3));
    expect(driftOf(b).drift).toMatchObject({
      baseline: at('train:v0'),
      productionModel: at('model-metadata:v0'),
    });
    expect(driftOf(b).drift!.features).toHaveLength(5);
    const bPromotion = b.approval!.promotion!;
    expect(bPromotion.datasetVersions).toContainEqual({
      role: 'training',
      ref: at('walk-train:v0'),
      replaced: null,
      from: at('train:v0'),
    });
    expect(bPromotion.datasetsRemoved).toEqual([
      { role: 'training', ref: at('train:v0'), movedTo: at('walk-train:v0') },
    ]);
    expect(holders()).toEqual(['model-metadata:v1', 'valid:v0', 'walk-train:v0']);
    expect(logOf('train:v0')).toContainEqual(
      expect.objectContaining({
        kind: 'replaced',
        by: 'approver-two',
        movedTo: at('walk-train:v0'),
      }),
    );
    expect(logOf('walk-train:v0')).toContainEqual(
      expect.objectContaining({ kind: 'promoted', replaced: at('train:v0') }),
    );

    // 3. Roll back to A: train:v0 gets "production" back and walk-train:v0 loses it.
    const back = await rollback(h.client, { ...where, by: 'ops', reason: 'bad answers' }, opts());
    expect(back.model).toEqual({ ref: at('model-metadata:v0'), replaced: at('model-metadata:v1') });
    expect(back.datasets.find((d) => d.role === 'training')).toEqual({
      role: 'training',
      ref: at('train:v0'),
      replaced: null,
      from: at('walk-train:v0'),
    });
    expect(back.removed).toEqual([
      { role: 'training', ref: at('walk-train:v0'), movedTo: at('train:v0') },
    ]);
    expect(holders()).toEqual(['model-metadata:v0', 'train:v0', 'valid:v0']);
    const printed = renderRollback(back, 'ops');
    expect(printed).toContain(`training: ${at('walk-train:v0')} → ${at('train:v0')}`);
    expect(printed).toContain(`removed from ${at('walk-train:v0')}`);
    expect(printed).not.toContain(`${at('train:v0')} → ${at('train:v0')}`);
    expect(logOf('walk-train:v0')).toContainEqual(
      expect.objectContaining({ kind: 'rolled_back', by: 'ops', movedTo: at('train:v0') }),
    );
    expect(logOf('train:v0')).toContainEqual(
      expect.objectContaining({ kind: 'rollback_to', by: 'ops', replaced: at('walk-train:v0') }),
    );

    // 4. Forward to B again with --to.
    const forward = await rollback(
      h.client,
      { ...where, to: 'v1', by: 'ops', reason: 'fixed upstream' },
      opts(),
    );
    expect(forward.removed).toEqual([
      { role: 'training', ref: at('train:v0'), movedTo: at('walk-train:v0') },
    ]);
    expect(holders()).toEqual(['model-metadata:v1', 'valid:v0', 'walk-train:v0']);

    // 5. C on a new train.jsonl: drift compares with B's walk-train:v0 (production's own data,
    // not the train collection's old version); walk-train:v0 loses the alias.
    const c = await promote('three', trainingFile('train.jsonl', 5));
    expect(driftOf(c).drift).toMatchObject({
      baseline: at('walk-train:v0'),
      productionModel: at('model-metadata:v1'),
    });
    expect(c.approval!.promotion!.datasetsRemoved).toEqual([
      { role: 'training', ref: at('walk-train:v0'), movedTo: at('train:v1') },
    ]);
    expect(holders()).toEqual(['model-metadata:v2', 'train:v1', 'valid:v0']);

    // 6. And back to B by default: C's train:v1 loses it, B's walk-train:v0 gets it.
    const again = await rollback(h.client, { ...where, by: 'ops', reason: 'again' }, opts());
    expect(again.model.ref).toBe(at('model-metadata:v1'));
    expect(holders()).toEqual(['model-metadata:v1', 'valid:v0', 'walk-train:v0']);
  });
});
