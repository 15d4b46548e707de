import { describe, expect, it } from 'vitest';
import type { DatasetSummary, PipelineInput, UploadedFile } from '../../../src/shared/types.js';
import {
  pipelineSyncInput,
  type PipelineWandbRecord,
} from '../../../src/workflows/pipelineSyncInput.js';

const input: PipelineInput = {
  training: { path: '/d/train.jsonl' },
  validation: { path: '/d/valid.jsonl' },
  model: 'gpt-4.1-mini-2025-04-14',
  method: { type: 'dpo' },
  wandb: { project: 'p', entity: 'team' },
};
const dataset = (role: DatasetSummary['role'], path: string, digest: string) =>
  ({ role, path, digest }) as DatasetSummary;
const datasets = [
  dataset('training', '/d/train.jsonl', 'aaa'),
  dataset('validation', '/d/valid.jsonl', 'bbb'),
];
const files: UploadedFile[] = [
  { fileId: 'file-t', digest: 'aaa', reused: false, via: 'files' },
  { fileId: 'file-v', digest: 'bbb', reused: false, via: 'files' },
];
const record = (over: Partial<PipelineWandbRecord> = {}): PipelineWandbRecord => ({
  input,
  target: { entity: 'team', project: 'p' },
  refs: new Map([
    ['training', 'team/p/train:v0'],
    ['validation', 'team/p/valid:v0'],
  ]),
  owedVersions: new Set(),
  owedFiles: new Set(),
  ...over,
});

describe('what the pipeline hands its W&B sync', () => {
  it('nothing owed: its dataset versions become the run’s inputs, no catch-up', () => {
    const s = pipelineSyncInput(record(), 'ftjob-1', files, datasets);
    expect(s).toMatchObject({ jobId: 'ftjob-1', project: 'p', entity: 'team', logDatasets: true });
    expect(s.datasets).toEqual([
      { role: 'training', ref: 'team/p/train:v0', fileId: 'file-t' },
      { role: 'validation', ref: 'team/p/valid:v0', fileId: 'file-v' },
    ]);
    expect(s.catchUp).toBeUndefined();
  });

  it('a version missing for a reason other than an outage: per-file copies, as before', () => {
    const s = pipelineSyncInput(
      record({ refs: new Map([['training', 'team/p/train:v0']]) }),
      'ftjob-1',
      files,
      datasets,
    );
    expect(s.datasets).toBeUndefined();
    expect(s.catchUp).toBeUndefined();
  });

  it('W&B unreachable before the job: the asked project and entity, every dataset to version and record', () => {
    const s = pipelineSyncInput(
      record({
        target: null,
        refs: new Map(),
        owedVersions: new Set(['training', 'validation']),
      }),
      'ftjob-2',
      files,
      datasets,
    );
    expect(s).toMatchObject({ project: 'p', entity: 'team' });
    expect(s.datasets).toBeUndefined();
    expect(s.catchUp?.datasets).toEqual([
      {
        role: 'training',
        path: '/d/train.jsonl',
        digest: 'aaa',
        model: 'gpt-4.1-mini-2025-04-14',
        method: 'dpo',
        fileId: 'file-t',
        fileRecorded: false,
      },
      {
        role: 'validation',
        path: '/d/valid.jsonl',
        digest: 'bbb',
        model: 'gpt-4.1-mini-2025-04-14',
        method: 'dpo',
        fileId: 'file-v',
        fileRecorded: false,
      },
    ]);
  });

  it('only a file id owed: the versions stand, the sync records that one file', () => {
    const s = pipelineSyncInput(
      record({ owedFiles: new Set(['validation']) }),
      'ftjob-3',
      files,
      datasets,
    );
    expect(s.catchUp?.datasets.map((d) => [d.role, d.ref, d.fileRecorded])).toEqual([
      ['training', 'team/p/train:v0', true],
      ['validation', 'team/p/valid:v0', false],
    ]);
  });

  it('no project asked: the default project, the entity left to the key', () => {
    const s = pipelineSyncInput(
      record({
        input: { ...input, wandb: undefined },
        target: null,
        owedVersions: new Set(['training']),
      }),
      'ftjob-4',
      files,
      datasets,
    );
    expect(s.project).toBe('OpenAI-Fine-Tune');
    expect(s.entity).toBeUndefined();
  });
});
