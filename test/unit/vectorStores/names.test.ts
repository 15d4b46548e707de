import { describe, expect, it } from 'vitest';
import { checkName, VectorStoreError } from '../../../src/vectorStores/errors.js';
import { parseVersionId, versionIdOf } from '../../../src/vectorStores/lancedb/names.js';
import {
  isPostgresUri,
  parsePostgresUri,
  redactedUri,
} from '../../../src/vectorStores/postgres/uri.js';
import { checkSchemaName } from '../../../src/vectorStores/postgres/schema.js';
import { describeStore } from '../../../src/vectorStores/open.js';

describe('LanceDB version ids', () => {
  it('round-trip `cand-<id>:<version>` as Lance writes versions', () => {
    expect(versionIdOf('cand-run-7', 12)).toBe('cand-run-7:12');
    expect(parseVersionId('cand-run-7:12')).toEqual({
      branch: 'cand-run-7',
      version: 12,
      candidateId: 'run-7',
    });
  });

  it.each(['main:3', 'cand-:1', 'cand-x', 'cand-x:y', 'cand-a/b:1', '42'])('refuse %s', (id) => {
    expect(() => parseVersionId(id)).toThrow(VectorStoreError);
  });
});

describe('names that become tables, branches and tags', () => {
  it.each(['kb', 'Support_KB-2', 'a'.repeat(64)])('accept %s', (name) => {
    expect(checkName('knowledge base', name)).toBe(name);
  });
  it.each(['', 'a b', 'a/b', "x'y", 'a:b', 'a'.repeat(65)])('refuse %j', (name) => {
    expect(() => checkName('knowledge base', name)).toThrow(/1 to 64 letters/);
  });
  it('PostgreSQL schema names are plain lower-case identifiers', () => {
    expect(checkSchemaName('finetune_kb')).toBe('finetune_kb');
    expect(() => checkSchemaName('Kb')).toThrow(VectorStoreError);
    expect(() => checkSchemaName('kb"; drop')).toThrow(VectorStoreError);
  });
});

describe('PostgreSQL store URIs', () => {
  it('take the schema from ?schema= and hand pg the rest', () => {
    expect(parsePostgresUri('postgres://u@db:5432/app?schema=kb&sslmode=require')).toEqual({
      connectionString: 'postgres://u@db:5432/app?sslmode=require',
      schema: 'kb',
    });
    expect(parsePostgresUri('postgresql://db/app').schema).toBe('finetune_kb');
  });

  it('never show a password', () => {
    const uri = 'postgres://alice:s3cret@db:5432/app?schema=kb';
    expect(redactedUri(uri)).toBe('postgres://alice@db:5432/app?schema=kb');
    expect(describeStore(uri)).not.toContain('s3cret');
    expect(describeStore('./kb-data')).toBe('./kb-data');
  });

  it('are told apart from LanceDB folders', () => {
    expect(isPostgresUri('postgres://h/db')).toBe(true);
    expect(isPostgresUri('POSTGRESQL://h/db')).toBe(true);
    expect(isPostgresUri('/var/lib/kb')).toBe(false);
    expect(isPostgresUri('s3://bucket/kb')).toBe(false);
  });
});
