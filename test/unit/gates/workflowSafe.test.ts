import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTINS, ROOT, runtimeGraph } from '../support/runtimeGraph.js';

// Workflow code imports src/gates/index.ts, so nothing it pulls in at run time may use a Node
// built-in (Temporal's workflow sandbox has none). Type-only imports are erased and do not count.

describe('src/gates/index.ts', () => {
  const graph = runtimeGraph(join(ROOT, 'src/gates/index.ts'));
  const files = [...graph.keys()].map((f) => relative(ROOT, f));

  it('reaches the pure modules and not the file reader', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'src/gates/profile.ts',
        'src/gates/drift.ts',
        'src/gates/grading.ts',
        'src/gates/verdict.ts',
        'src/gates/cost.ts',
      ]),
    );
    expect(files).not.toContain('src/gates/profileFile.ts');
  });

  it('imports no Node built-in and no package, directly or indirectly', () => {
    const offending = [...graph].flatMap(([file, specifiers]) =>
      specifiers
        .filter((s) => BUILTINS.has(s) || !s.startsWith('.'))
        .map((s) => `${relative(ROOT, file)} → ${s}`),
    );
    expect(offending).toEqual([]);
  });

  it('the test itself notices a Node import (a value import in profileFile.ts)', () => {
    const reader = runtimeGraph(join(ROOT, 'src/gates/profileFile.ts'));
    const all = [...reader.values()].flat();
    expect(all.some((s) => BUILTINS.has(s))).toBe(true);
  });
});
