import { describe, expect, it } from 'vitest';
import {
  candidateIdFor,
  hasPassword,
  kbInputProblems,
  resolveChunkStrategy,
} from '../../../src/workflows/kb/rules.js';

const ok = { kb: 'docs', sources: ['/data/docs'] };

describe('knowledge-base rules', () => {
  it('resolves the chunking strategy with its id', () => {
    expect(resolveChunkStrategy()).toEqual({
      name: 'recursive',
      version: 1,
      size: 1000,
      overlap: 150,
      id: 'recursive@1:size=1000,overlap=150',
    });
    expect(resolveChunkStrategy({ size: 200 }).overlap).toBe(100);
  });

  it('finds the problems of an input before anything runs', () => {
    expect(kbInputProblems(ok)).toEqual([]);
    expect(kbInputProblems({ ...ok, kb: 'bad name' })[0]).toMatch(/must be 1 to 64 letters/);
    expect(kbInputProblems({ ...ok, sources: [] })).toEqual([
      'give at least one folder or file of documents',
    ]);
    expect(kbInputProblems({ ...ok, chunking: { size: 50 } })[0]).toMatch(/from 100 to 8000/);
    expect(kbInputProblems({ ...ok, chunking: { size: 400, overlap: 300 } })[0]).toMatch(
      /half the chunk size/,
    );
    expect(kbInputProblems({ ...ok, store: 'postgres://kb:secret@db:5432/kb' })[0]).toMatch(
      /PGPASSWORD/,
    );
    expect(kbInputProblems({ ...ok, gates: { retrievalOptions: { k: 0 } } })[0]).toMatch(
      /k must be/,
    );
    expect(kbInputProblems({ ...ok, golden: {} })).toEqual([
      'a golden set needs a path or a W&B version',
    ]);
    expect(kbInputProblems({ ...ok, promotion: { approvalTimeoutMs: -1 } })[0]).toMatch(
      /approvalTimeoutMs/,
    );
  });

  it('spots a password in a PostgreSQL URI, and only there', () => {
    expect(hasPassword('postgres://kb:pw@host/db')).toBe(true);
    expect(hasPassword('postgresql://kb@host:5432/db')).toBe(false);
    expect(hasPassword('/var/kb:lance@x')).toBe(false);
  });

  it('derives a plain, stable candidate id of at most 64 characters', () => {
    expect(candidateIdFor('kb-docs-123')).toBe('kb-docs-123');
    const long = candidateIdFor(`kb/docs:${'x'.repeat(100)}`);
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(long).toBe(candidateIdFor(`kb/docs:${'x'.repeat(100)}`));
    expect(candidateIdFor('a/b')).not.toBe(candidateIdFor('a:b'));
  });
});
