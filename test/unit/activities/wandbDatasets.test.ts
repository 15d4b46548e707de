import { describe, expect, it } from 'vitest';
import { datasetArtifactName } from '../../../src/activities/wandb/datasets.js';
import { datasetCollectionName } from '../../../src/activities/wandb/versioning.js';

describe('datasetArtifactName', () => {
  it("uses WandbLogger's names and types", () => {
    expect(datasetArtifactName('training', 'file-abc123')).toEqual({
      name: 'train-file-abc123',
      type: 'training_files',
    });
    expect(datasetArtifactName('validation', 'file-XYZ_9')).toEqual({
      name: 'valid-file-XYZ_9',
      type: 'validation_files',
    });
  });

  it('replaces characters W&B refuses with "_"', () => {
    expect(datasetArtifactName('training', 'file:a/b c').name).toBe('train-file_a_b_c');
  });
});

describe('datasetCollectionName', () => {
  it('is the file name without its extension, unless a name is given', () => {
    expect(datasetCollectionName('/data/sample/train.jsonl')).toBe('train');
    expect(datasetCollectionName('/data/my data.v2.jsonl')).toBe('my_data.v2');
    expect(datasetCollectionName('/data/train.jsonl', 'support chats')).toBe('support_chats');
  });
});
