// ESLint rule `local/no-import-cycle`: a file may not reach itself through relative imports, type-only
// imports included. eslint-plugin-import-x's no-cycle skips `import type`, and src/shared is
// nothing but types, so its cycles are invisible there; this follows every relative import.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const IMPORT =
  /\b(?:import|export)\b[^'";]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
/** @type {Map<string, string[]>} */
const edges = new Map();

/** @param {string} from @param {string} spec */
function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, resolve(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c));
}

/** @param {string} file */
function importsOf(file) {
  let out = edges.get(file);
  if (!out) {
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    out = [...source.matchAll(IMPORT)]
      .map((m) => resolveImport(file, m[1] ?? m[2]))
      .filter((f) => f !== undefined);
    edges.set(file, out);
  }
  return out;
}

/** The shortest import path from `file` back to itself, or undefined. @param {string} file */
function cycleThrough(file) {
  const previous = new Map([[file, '']]);
  const queue = [file];
  while (queue.length > 0) {
    const at = /** @type {string} */ (queue.shift());
    for (const next of importsOf(at)) {
      if (next === file) {
        const chain = [];
        for (let p = at; p !== file; p = /** @type {string} */ (previous.get(p))) chain.unshift(p);
        return [file, ...chain, file];
      }
      if (!previous.has(next)) {
        previous.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycle through relative imports, type-only ones included' },
    schema: [],
  },
  create(context) {
    return {
      Program(node) {
        edges.delete(context.filename); // this file as it is now
        const cycle = cycleThrough(context.filename);
        if (!cycle) return;
        const root = context.cwd;
        context.report({
          node,
          message: `Import cycle: ${cycle.map((f) => relative(root, f)).join(' → ')}. Give the shared part a home both can import.`,
        });
      },
    };
  },
};
