// The image keeps production dependencies only (npm prune --omit=dev). Anything the CLI loads at
// start-up, or the workflow bundle pulls in, must therefore be a production dependency. This walks
// the static import graph of the sources and names the packages it reaches.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';

// `import x from 'm'`, `import {a} from 'm'`, `export * from 'm'`, `import 'm'`; not `import type`.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

// `await import('m')` with a literal specifier: the CLI loads its commands this way, on demand.
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function staticSpecifiers(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT), ...source.matchAll(DYNAMIC_IMPORT)].map(
    (m) => m[1] ?? '',
  );
}

export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const isBuiltin = (spec: string) =>
  spec.startsWith('node:') || builtinModules.includes(packageName(spec));

/** `./x.js` in TypeScript sources names `./x.ts` (NodeNext); undefined when the file is absent. */
function sourceFile(fromFile: string, specifier: string): string | undefined {
  const base = join(dirname(fromFile), specifier);
  return [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')].find(
    (p) => existsSync(p) && p.endsWith('.ts'),
  );
}

export interface PackageUse {
  pkg: string;
  /** First file (relative to root) that imports it. */
  importedBy: string;
}

/** Every non-builtin package reachable by static imports from `entries`. */
export function reachablePackages(root: string, entries: readonly string[]): PackageUse[] {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = entries.map((e) => join(root, e));
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const spec of staticSpecifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const next = sourceFile(file, spec);
        if (next) queue.push(next);
      } else if (!isBuiltin(spec) && !packages.has(packageName(spec))) {
        packages.set(packageName(spec), relative(root, file));
      }
    }
  }
  return [...packages].map(([pkg, importedBy]) => ({ pkg, importedBy }));
}
