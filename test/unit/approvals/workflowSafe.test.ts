import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTINS, ROOT, runtimeGraph } from '../support/runtimeGraph.js';

// Workflow code verifies signatures with src/approvals/index.ts, so nothing it pulls in may use
// a Node built-in (the workflow sandbox has none); packages are the pure-JS ones chosen for it.

const PURE_PACKAGES = ['@noble/ed25519', '@noble/hashes/', '@scure/base', 'canonicalize'];

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
