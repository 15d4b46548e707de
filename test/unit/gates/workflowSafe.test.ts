import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Workflow code imports src/gates/index.ts, so nothing it pulls in at run time may use a Node
// built-in (Temporal's workflow sandbox has none). Type-only imports are erased and do not count.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every module reached from `entry` through value imports, with its import specifiers. */
function runtimeGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => m[1]!);
    graph.set(file, specifiers);
    for (const s of specifiers) {
      if (s.startsWith('.')) visit(join(dirname(file), s.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return graph;
}

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
