import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import type {
  GateConfig,
  GateName,
  GateResult,
  PromotionConfig,
} from '../../src/shared/promotionTypes.js';
import type { PipelineInput, PipelineResult } from '../../src/shared/types.js';
import {
  freshProject,
  tempDatasetDir,
  writeContradictingCopy,
  writeDriftedTrainingSet,
  writeOverLimitDataset,
} from './support/gateDatasets.js';
import { expectSdkLogs } from '../support/sdkLogs.js';
import { startHarness, TEST_WANDB_ENTITY, type Harness } from './support/harness.js';
import { FIXTURES, sampleInput } from './support/pipelineInput.js';
import { artifactFileText, SHORT_JOBS, VALID_PATH } from './support/wandbHelpers.js';

const FAST = { minPollMs: 300, maxPollMs: 2000 };
const ENTITY = TEST_WANDB_ENTITY;
/** Every gate off: a test turns on the one it is about. */
const OFF: GateConfig = { pii: 'off', tokenLimit: 'off', drift: 'off', eval: 'off' };
const AUTO: PromotionConfig['autoApprove'] = { by: 'ci-bot', comment: 'scripted' };
/** Fine-tuned models of pipelines with this suffix answer wrongly, every time. */
const DEGRADED_SUFFIX = 'evalbad';

describe('governed promotion: the gates pass, warn and block', () => {
  let h: Harness;
  let data: Awaited<ReturnType<typeof tempDatasetDir>>;
  beforeAll(async () => {
    h = await startHarness({
      ...SHORT_JOBS,
      chatDegradation: (model) =>
        model.startsWith('ft:') && model.includes(`:${DEGRADED_SUFFIX}:`) ? 1 : 0,
    });
    await h.startWorker();
    data = await tempDatasetDir();
  });
  afterAll(async () => {
    await h?.close();
    await data?.cleanup();
  });

  /** One pipeline in its own W&B project (unless given one), run to its end. */
  const run = async (
    suffix: string,
    gates: GateConfig,
    opts: {
      project?: string;
      training?: string;
      validation?: string;
      promotion?: Omit<PromotionConfig, 'gates'>;
    } = {},
  ): Promise<{ result: PipelineResult; project: string; workflowId: string }> => {
    const project = opts.project ?? freshProject(suffix);
    const input: PipelineInput = sampleInput(FAST, {
      suffix,
      wandb: { project },
      promotion: { autoApprove: AUTO, ...opts.promotion, gates },
      ...(opts.training ? { training: { path: opts.training } } : {}),
      ...(opts.validation ? { validation: { path: opts.validation } } : {}),
    });
    const started = await startFineTunePipeline(h.client, input, { taskQueue: h.taskQueue });
    return { result: await started.handle.result(), project, workflowId: started.workflowId };
  };

  const gateOf = (result: PipelineResult, gate: GateName): GateResult => {
    const found = result.approval?.gates.find((g) => g.gate === gate);
    if (!found) throw new Error(`no ${gate} gate in the result`);
    return found;
  };
  const verdicts = (result: PipelineResult) =>
    Object.fromEntries(result.approval!.gates.map((g) => [g.gate, g.verdict]));

  const productionMoves = (project: string) =>
    h
      .wandb!.state.aliasMoves()
      .filter((m) => m.project === `${ENTITY}/${project}` && m.alias === 'production');
  const modelVersionOf = (project: string, jobId: string) =>
    h
      .wandb!.state.artifactVersions(ENTITY, project, 'model-metadata')
      .find((v) => v.aliases.includes(jobId));

  /** What every blocked pipeline must show: rejected by the gates, nothing promoted. */
  const expectBlocked = (r: { result: PipelineResult; project: string }, gate: GateName) => {
    expect(r.result.stage).toBe('rejected');
    expect(r.result.approval?.decision).toMatchObject({
      decision: 'reject',
      by: 'gates',
      how: 'gate',
    });
    // The rejection says why: the blocking gate's own summary.
    expect(r.result.approval?.decision?.comment).toBe(gateOf(r.result, gate).summary);
    expect(r.result.approval?.promotion).toBeUndefined();
    expect(productionMoves(r.project)).toEqual([]);
    const version = modelVersionOf(r.project, r.result.jobId);
    expect(version).toBeDefined();
    expect(version!.aliases).not.toContain('production');
    expect(version!.aliases).not.toContain('candidate');
  };
  const expectPromoted = (r: { result: PipelineResult; project: string }) => {
    expect(r.result.stage).toBe('promoted');
    expect(r.result.approval?.decision).toMatchObject({ decision: 'approve', how: 'auto' });
    expect(r.result.approval?.promotion?.promoted).toBe(true);
    expect(modelVersionOf(r.project, r.result.jobId)?.aliases).toContain('production');
  };

  it('pii: the sample passes; PII in the training data warns or blocks (piiScan stays off)', async () => {
    const pii = join(FIXTURES, 'pii.jsonl');
    // Validation warns in the worker's log about the personal data this test puts there.
    const quiet = expectSdkLogs((message) => message === 'dataset may contain personal data');
    const [clean, warned, blocked] = await Promise.all([
      run('piiok', { ...OFF, pii: 'block' }),
      run('piiwarn', { ...OFF, pii: 'warn' }, { training: pii }),
      run('piiblock', { ...OFF, pii: 'block' }, { training: pii }),
    ]).finally(quiet);

    expect(gateOf(clean.result, 'pii')).toEqual({
      gate: 'pii',
      policy: 'block',
      verdict: 'pass',
      summary: 'pii: no emails, phone numbers or card numbers found',
      pii: { emails: 0, phones: 0, cardNumbers: 0, lines: [] },
    });
    expect(verdicts(clean.result)).toEqual({
      pii: 'pass',
      tokenLimit: 'off',
      drift: 'off',
      eval: 'off',
    });
    expectPromoted(clean);

    const findings = { emails: 1, phones: 2, cardNumbers: 1, lines: [2, 4, 6, 9] };
    const summary = 'pii: 1 email, 2 phone numbers, 1 card number (first lines: 2, 4, 6, 9)';
    expect(gateOf(warned.result, 'pii')).toEqual({
      gate: 'pii',
      policy: 'warn',
      verdict: 'warn',
      summary,
      pii: findings,
    });
    // A warning is for the approver: it does not stop the (here scripted) approval.
    expectPromoted(warned);

    expect(gateOf(blocked.result, 'pii')).toEqual({
      gate: 'pii',
      policy: 'block',
      verdict: 'block',
      summary,
      pii: findings,
    });
    expectBlocked(blocked, 'pii');
    // The validation step did not fail on the PII: the gate collected it on its own.
    expect(blocked.result.datasets.find((d) => d.role === 'training')?.pii).toEqual(findings);
  });

  it('tokenLimit: an example over the 65,536-token context warns or blocks; the sample passes', async () => {
    const overLimit = await writeOverLimitDataset(data.dir, { longLine: 3 });
    const [fits, warned, blocked] = await Promise.all([
      run('tokok', { ...OFF, tokenLimit: 'block' }),
      run('tokwarn', { ...OFF, tokenLimit: 'warn' }, { training: overLimit }),
      run('tokblock', { ...OFF, tokenLimit: 'block' }, { training: overLimit }),
    ]);

    expect(gateOf(fits.result, 'tokenLimit')).toEqual({
      gate: 'tokenLimit',
      policy: 'block',
      verdict: 'pass',
      summary: 'token limit: every example fits the 65,536-token training context',
    });
    expectPromoted(fits);

    const summary =
      'token limit: 1 example over the 65,536-token training context will be truncated (first lines: 3)';
    // The emulator took the long file: the job trained and the pipeline reached its gates.
    const training = warned.result.datasets.find((d) => d.role === 'training')!;
    expect(training).toMatchObject({ overLimit: 1, overLimitLines: [3], contextLimit: 65_536 });
    expect(warned.result.fineTunedModel).toMatch(/^ft:/);
    expect(gateOf(warned.result, 'tokenLimit')).toEqual({
      gate: 'tokenLimit',
      policy: 'warn',
      verdict: 'warn',
      summary,
    });
    expectPromoted(warned);

    expect(gateOf(blocked.result, 'tokenLimit')).toEqual({
      gate: 'tokenLimit',
      policy: 'block',
      verdict: 'block',
      summary,
    });
    expectBlocked(blocked, 'tokenLimit');
  });

  it('drift: no baseline passes; the same data is ≈0 from production; a different set warns or blocks', async () => {
    const project = freshProject('drift');
    const drifted = await writeDriftedTrainingSet(data.dir);

    // 1. No production dataset version yet: nothing to drift from.
    const first = await run('driftbase', { ...OFF, drift: 'block' }, { project });
    expect(gateOf(first.result, 'drift')).toMatchObject({
      verdict: 'pass',
      policy: 'block',
      summary: 'drift: no production model yet — nothing to compare',
      drift: { baseline: null },
    });
    expectPromoted(first);
    const trainVersions = () => h.wandb!.state.artifactVersions(ENTITY, project, 'train');
    const baseline = trainVersions().find((v) => v.aliases.includes('production'))!;
    expect(baseline).toBeDefined();
    const baselineRef = `${ENTITY}/${project}/train:v${baseline.versionIndex}`;

    // 2. The same data again; 3. and 4. a very different training set (same collection).
    const [same, warned, blocked] = await Promise.all([
      run('driftsame', { ...OFF, drift: 'block' }, { project }),
      run(
        'driftwarn',
        { ...OFF, drift: 'warn' },
        // Not approved: it must not move the baseline under the blocking run.
        {
          project,
          training: drifted,
          promotion: { autoApprove: undefined, approvalTimeoutMs: 1000, onTimeout: 'reject' },
        },
      ),
      run('driftblock', { ...OFF, drift: 'block' }, { project, training: drifted }),
    ]);

    const sameGate = gateOf(same.result, 'drift');
    expect(sameGate.verdict).toBe('pass');
    expect(sameGate.drift?.baseline).toBe(baselineRef);
    expect(sameGate.drift?.features.map((f) => f.feature)).toEqual([
      'examples',
      'tokens',
      'turns',
      'roles',
      'systemShare',
    ]);
    for (const f of sameGate.drift!.features) {
      expect(f.distance, f.feature).toBeCloseTo(0, 6);
      expect(f.exceeded, f.feature).toBe(false);
    }
    expect(sameGate.summary).toMatch(new RegExp(`^drift: within thresholds vs ${baselineRef} \\(`));
    expectPromoted(same);

    const exceeded = ['examples', 'tokens', 'turns', 'roles', 'systemShare'];
    const warnGate = gateOf(warned.result, 'drift');
    expect(warnGate.verdict).toBe('warn');
    expect(warnGate.drift?.baseline).toBe(baselineRef);
    expect(warnGate.drift!.features.filter((f) => f.exceeded).map((f) => f.feature)).toEqual(
      exceeded,
    );
    for (const named of [
      'examples changed',
      'tokens PSI',
      'turns PSI',
      'roles JS',
      'system share Δ',
    ]) {
      expect(warnGate.summary).toContain(named);
    }
    expect(warnGate.summary).toContain('system share Δ 1.00 > 0.20');
    // A warning leaves the decision to a person; here nobody came, so the timeout rejected it.
    expect(warned.result.approval?.decision).toMatchObject({ by: 'timeout', how: 'timeout' });

    const blockGate = gateOf(blocked.result, 'drift');
    expect(blockGate.verdict).toBe('block');
    expect(blockGate.summary).toBe(warnGate.summary);
    expect(blocked.result.stage).toBe('rejected');
    expect(blocked.result.approval?.decision).toMatchObject({ by: 'gates', how: 'gate' });
    expect(blocked.result.approval?.decision?.comment).toBe(blockGate.summary);
    expect(blocked.result.approval?.promotion).toBeUndefined();

    // Production still serves the first data: one move of the dataset alias (the re-promotion of
    // the same version moves nothing), and only the two passing runs' models were promoted.
    const moves = productionMoves(project);
    expect(moves.filter((m) => m.collection === 'train')).toEqual([
      expect.objectContaining({ from: null, to: baseline.versionIndex }),
    ]);
    expect(moves.filter((m) => m.collection === 'model-metadata')).toHaveLength(2);
    expect(trainVersions().find((v) => v.aliases.includes('production'))?.versionIndex).toBe(
      baseline.versionIndex,
    );
    for (const r of [warned, blocked]) {
      expect(modelVersionOf(project, r.result.jobId)?.aliases).not.toContain('production');
    }
  });

  it('eval: the sample beats base; a degraded candidate blocks; a high minScore warns', async () => {
    // The warning run's eval data contradicts itself once, so its candidate can never score 1.
    const contradicting = await writeContradictingCopy(data.dir, VALID_PATH);
    const [passed, degraded, warned] = await Promise.all([
      run('evalok', { ...OFF, eval: 'block' }),
      run(DEGRADED_SUFFIX, { ...OFF, eval: 'block', evalOptions: { minDeltaVsBase: 0 } }),
      run(
        'evalwarn',
        { ...OFF, eval: 'warn', evalOptions: { minScore: 0.99 } },
        { validation: contradicting },
      ),
    ]);

    // ---- passing, and what the report holds
    const gate = gateOf(passed.result, 'eval');
    expect(gate.verdict).toBe('pass');
    expect(gate.policy).toBe('block');
    const report = gate.eval!;
    expect(report).toMatchObject({
      dataset: VALID_PATH,
      examples: 6,
      primary: 'model',
      graderModel: 'gpt-4.1-mini-2025-04-14',
    });
    expect(report.models.map((m) => [m.role, m.model])).toEqual([
      ['candidate', passed.result.fineTunedModel],
      ['base', 'gpt-4.1-mini-2025-04-14'],
    ]);
    for (const m of report.models) {
      for (const kind of ['exact', 'contains', 'model'] as const) {
        expect(m.scores[kind], `${m.role} ${kind}`).toBeGreaterThanOrEqual(0);
        expect(m.scores[kind], `${m.role} ${kind}`).toBeLessThanOrEqual(1);
      }
      expect(m.score).toBe(m.scores.model);
      expect(m.promptTokens).toBeGreaterThan(0);
      expect(m.completionTokens).toBeGreaterThan(0);
      expect(m.usd).toBeGreaterThan(0);
      expect(m.errors).toBe(0);
    }
    const [candidate, base] = report.models;
    expect(report.deltaVsBase).toBeGreaterThan(0);
    expect(report.deltaVsBase).toBeCloseTo(candidate!.score - base!.score, 4);
    expect(report.deltaVsProduction).toBeUndefined(); // nothing in production in a fresh project
    const answered = report.models.reduce((s, m) => s + m.promptTokens + m.completionTokens, 0);
    expect(report.totalTokens).toBeGreaterThan(answered); // grader calls are counted too
    expect(report.totalUsd).toBeGreaterThan(0);
    expect(gate.summary).toMatch(
      /^eval: model \d\.\d\d vs base \d\.\d\d \(\+\d\.\d\d\) on 6 examples, \$(\d+\.\d\d|0\.\d+)$/,
    );
    expectPromoted(passed);

    // The W&B Table: one row per example and model.
    const table = `eval-${passed.result.jobId}`;
    expect(report.tableRef).toBe(`${ENTITY}/${passed.project}/${table}:latest`);
    const versions = h.wandb!.state.artifactVersions(ENTITY, passed.project, table);
    expect(versions).toHaveLength(1);
    const version = versions[0]!;
    expect(version.type).toBe('evaluation');
    expect(version.metadata).toMatchObject({ rows: 12 });
    expect(version.createdByRun).toBe(passed.result.jobId);
    expect(version.files.map((f) => f.path)).toEqual(['results.table.json']);
    const parsed = JSON.parse(await artifactFileText(h, version.id, 'results.table.json')) as {
      columns: string[];
      data: unknown[][];
    };
    expect(parsed.columns).toEqual(
      expect.arrayContaining([
        'line',
        'role',
        'model',
        'answer',
        'exact',
        'contains',
        'model_score',
      ]),
    );
    expect(parsed.data).toHaveLength(12);
    const col = (name: string) => parsed.columns.indexOf(name);
    const rowsOf = (role: string) => parsed.data.filter((r) => r[col('role')] === role);
    expect(rowsOf('candidate')).toHaveLength(6);
    expect(rowsOf('base')).toHaveLength(6);
    expect(new Set(rowsOf('candidate').map((r) => r[col('model')]))).toEqual(
      new Set([passed.result.fineTunedModel]),
    );
    const meanModelScore = (role: string) =>
      rowsOf(role).reduce((s, r) => s + (r[col('model_score')] as number), 0) / 6;
    expect(meanModelScore('candidate')).toBeCloseTo(candidate!.scores.model!, 3);
    expect(meanModelScore('base')).toBeCloseTo(base!.scores.model!, 3);

    // ---- a candidate that is always wrong: worse than base blocks
    const bad = gateOf(degraded.result, 'eval');
    expect(degraded.result.fineTunedModel).toContain(`:${DEGRADED_SUFFIX}:`);
    expect(bad.verdict).toBe('block');
    expect(bad.eval!.deltaVsBase).toBeLessThan(0);
    expect(bad.eval!.models[0]!.scores.exact).toBe(0);
    expect(bad.summary).toMatch(/^eval: vs base -\d\.\d\d < \+0\.00 — model /);
    expectBlocked(degraded, 'eval');

    // ---- minScore 0.99 with policy warn: warns, the (scripted) approval still goes through
    const high = gateOf(warned.result, 'eval');
    expect(high.verdict).toBe('warn');
    expect(high.eval).toMatchObject({ dataset: contradicting, examples: 7, threshold: 0.99 });
    expect(high.eval!.models[0]!.score).toBeLessThan(0.99);
    expect(high.summary).toMatch(/^eval: model \d\.\d\d < min 0\.99\b/);
    expectPromoted(warned);
  });
});
