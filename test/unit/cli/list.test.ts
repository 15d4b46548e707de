import { describe, expect, it } from 'vitest';
import {
  PIPELINE_STAGES,
  pipelineListQuery,
  quoteQueryValue,
  type PipelineListing,
} from '../../../src/client/list.js';
import { listCommand, parseStage } from '../../../src/cli/commands/list.js';
import { formatAge, renderPipelineList } from '../../../src/cli/renderList.js';

describe('pipelineListQuery', () => {
  it('lists pipelines only when no filter is given', () => {
    expect(pipelineListQuery()).toBe('WorkflowType = "fineTunePipeline"');
  });

  it('ANDs stage, model (base or fine-tuned) and id prefix', () => {
    expect(
      pipelineListQuery({
        stage: 'awaiting_approval',
        model: 'gpt-4.1-mini-2025-04-14',
        idPrefix: 'finetune-',
      }),
    ).toBe(
      'WorkflowType = "fineTunePipeline" AND FineTuneStage = "awaiting_approval" AND ' +
        '(FineTuneBaseModel = "gpt-4.1-mini-2025-04-14" OR FineTunedModel = "gpt-4.1-mini-2025-04-14") AND ' +
        'WorkflowId STARTS_WITH "finetune-"',
    );
  });

  it('escapes quotes and backslashes so a value cannot end its literal', () => {
    expect(quoteQueryValue('a"b')).toBe('"a\\"b"');
    expect(quoteQueryValue('a\\')).toBe('"a\\\\"');
    expect(quoteQueryValue("it's")).toBe('"it\'s"');
    const injected = pipelineListQuery({ model: 'x" OR WorkflowType = "other' });
    expect(injected).toBe(
      'WorkflowType = "fineTunePipeline" AND ' +
        '(FineTuneBaseModel = "x\\" OR WorkflowType = \\"other" OR FineTunedModel = "x\\" OR WorkflowType = \\"other")',
    );
    // A trailing backslash would otherwise escape the closing quote.
    expect(pipelineListQuery({ idPrefix: 'p\\' })).toMatch(/STARTS_WITH "p\\\\"$/);
  });
});

describe('--stage', () => {
  it('accepts every stage, today’s and the coming ones', () => {
    for (const s of [
      'validating',
      'uploading',
      'creating_job',
      'training',
      'awaiting_approval',
      'promoted',
      'rejected',
      'succeeded',
      'failed',
      'cancelled',
    ]) {
      expect(PIPELINE_STAGES).toContain(s);
      expect(parseStage(s)).toBe(s);
    }
  });

  it('refuses anything else, naming the stages', async () => {
    expect(() => parseStage('Training')).toThrow(/expected one of validating, uploading/);
    const cmd = listCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(cmd.parseAsync(['--stage', 'done'], { from: 'user' })).rejects.toThrow(
      /--stage <stage>' argument 'done' is invalid/,
    );
    await expect(cmd.parseAsync(['--limit', '0'], { from: 'user' })).rejects.toThrow(
      /--limit <n>' argument '0' is invalid/,
    );
  });
});

describe('formatAge', () => {
  it('uses the largest whole unit', () => {
    expect(formatAge(0)).toBe('0s ago');
    expect(formatAge(59_999)).toBe('59s ago');
    expect(formatAge(3 * 60_000 + 5_000)).toBe('3m ago');
    expect(formatAge(5 * 3_600_000)).toBe('5h ago');
    expect(formatAge(49 * 3_600_000)).toBe('2d ago');
    expect(formatAge(-1000)).toBe('0s ago'); // clock skew
  });
});

describe('renderPipelineList', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const row = (p: Partial<PipelineListing>): PipelineListing => ({
    workflowId: 'finetune-1',
    runId: 'r',
    stage: null,
    jobId: null,
    fineTunedModel: null,
    baseModel: null,
    approvedBy: null,
    status: 'RUNNING',
    startedAt: '2026-01-01T11:57:00Z',
    closedAt: null,
    ...p,
  });

  it('aligns one pipeline a line, with dashes for what is not known yet', () => {
    const text = renderPipelineList(
      [
        row({
          workflowId: 'finetune-long-id',
          stage: 'awaiting_approval',
          jobId: 'ftjob-abc',
          fineTunedModel: 'ft:gpt-4.1-mini:org:bot:xyz',
          baseModel: 'gpt-4.1-mini',
          approvedBy: 'alice',
        }),
        row({ stage: 'validating', startedAt: '2026-01-01T11:59:58Z' }),
      ],
      now,
    );
    expect(text.split('\n')).toEqual([
      'WORKFLOW ID       STAGE              JOB        FINE-TUNED MODEL             BASE MODEL    APPROVED BY  STATUS   AGE',
      'finetune-long-id  awaiting_approval  ftjob-abc  ft:gpt-4.1-mini:org:bot:xyz  gpt-4.1-mini  alice        running  3m ago',
      'finetune-1        validating         -          -                            -             -            running  2s ago',
    ]);
  });

  it('says so when nothing matched', () => {
    expect(renderPipelineList([], now)).toBe('No pipelines found.');
  });
});
