import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Workflow code verifies signatures with src/approvals/index.ts, so nothing it pulls in may use
// a Node built-in (the workflow sandbox has none); packages are the pure-JS ones chosen for it.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const PURE_PACKAGES = ['@noble/ed25519', '@noble/hashes/', '@scure/base', 'canonicalize'];

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

describe('src/approvals/index.ts', () => {
  const graph = runtimeGraph(join(ROOT, 'src/approvals/index.ts'));

  it('imports no Node built-in and only the pure-JS crypto and JSON packages', () => {
    const offending = [...graph].flatMap(([file, specifiers]) =>
      specifiers
        .filter(
          (s) =>
            BUILTINS.has(s) ||
            (!s.startsWith('.') && !PURE_PACKAGES.some((p) => s === p || s.startsWith(p))),
        )
        .map((s) => `${relative(ROOT, file)} → ${s}`),
    );
    expect(offending).toEqual([]);
    expect([...graph.keys()].map((f) => relative(ROOT, f))).not.toContain(
      'src/approvals/policySchema.ts',
    );
  });
});
