import { describe, expect, it } from 'vitest';
import {
  parseArtifactPath,
  sanitizeArtifactName,
  sanitizeMetadata,
  validateLogicalPath,
} from '../../../src/wandb/artifacts/names.js';
import { validateRunRef } from '../../../src/wandb/runs.js';
import { WandbInputError } from '../../../src/wandb/errors.js';

describe('artifact paths', () => {
  it('parses full, partial and alias-less paths', () => {
    expect(parseArtifactPath('acme/ft/train-file-1:v3')).toEqual({
      entity: 'acme',
      project: 'ft',
      name: 'train-file-1',
      alias: 'v3',
    });
    expect(parseArtifactPath('ft/model-metadata:production', { entity: 'me' })).toEqual({
      entity: 'me',
      project: 'ft',
      name: 'model-metadata',
      alias: 'production',
    });
    expect(parseArtifactPath('model-metadata', { entity: 'me', project: 'p' })).toMatchObject({
      alias: 'latest',
    });
  });

  it('says what is wrong with a bad path', () => {
    expect(() => parseArtifactPath('name:alias')).toThrow(/entity\/project\/name:alias/);
    expect(() => parseArtifactPath('a/b/c/d:e')).toThrow(WandbInputError);
    expect(() => parseArtifactPath('a/b/bad name:x')).toThrow(/A–Z/);
    expect(() => parseArtifactPath('a/b/c:x/y')).toThrow(/Alias/);
  });
});

describe('name rules', () => {
  it('sanitises names the way the Python logger does', () => {
    expect(sanitizeArtifactName('train-file:abc/1 2')).toBe('train-file_abc_1_2');
  });

  it('rejects unsafe logical paths and run ids', () => {
    for (const bad of ['/abs', 'a/../b', 'a//b', 'a\\b', ''])
      expect(() => validateLogicalPath(bad)).toThrow(WandbInputError);
    expect(() => validateLogicalPath('tables/x.table.json')).not.toThrow();
    expect(() => validateRunRef('ftjob:1', 'p')).toThrow(/Run id/);
    expect(() => validateRunRef('ftjob-1', 'a/b')).toThrow(/Project/);
  });

  it('turns NaN metadata into null and refuses Infinity or too many keys', () => {
    expect(sanitizeMetadata({ items: NaN, n: 2 })).toEqual({ items: null, n: 2 });
    expect(() => sanitizeMetadata({ x: Infinity })).toThrow(/infinite/);
    expect(() =>
      sanitizeMetadata(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]))),
    ).toThrow(/101/);
  });
});
