// The worker as it runs in production (the Docker image runs the compiled dist/, not tsx): src/
// transpiled file by file into a temporary folder, so a benchmark measures no TypeScript loader
// and never overwrites the checkout's dist/. TypeScript's own transpiler, no type check (tsc does
// that), so it takes seconds.
import {
  copyFileSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export interface BenchBuild {
  /** `<dir>/bin/finetune.js`, the CLI as installed: plain `node` runs it on dist/. */
  cliEntry: string;
  /** `<dir>/dist/worker.js`, the worker alone, runnable with plain `node`. */
  workerEntry: string;
  remove(): void;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

export function buildForBench(root: string): BenchBuild {
  const out = mkdtempSync(join(tmpdir(), 'tf-bench-build-'));
  const src = join(root, 'src');
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    // ES modules as tsc emits them for this package (type: module); file by file, TypeScript
    // cannot see package.json, so it is told.
    module: ts.ModuleKind.ES2022,
    esModuleInterop: true,
    sourceMap: true, // as tsconfig.json: stack traces name the TypeScript lines
  };
  for (const file of sources(src)) {
    const target = join(out, 'dist', relative(src, file)).replace(/\.ts$/, '.js');
    const { outputText, sourceMapText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions,
      fileName: file,
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
    if (sourceMapText) writeFileSync(`${target}.map`, sourceMapText);
  }
  // The package (type: module), its command and its dependencies, as in an installed copy.
  symlinkSync(join(root, 'package.json'), join(out, 'package.json'));
  // A copy, not a link: node resolves a linked entry to the checkout, which would run src/.
  mkdirSync(join(out, 'bin'));
  copyFileSync(join(root, 'bin', 'finetune.js'), join(out, 'bin', 'finetune.js'));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  return {
    cliEntry: join(out, 'bin', 'finetune.js'),
    workerEntry: join(out, 'dist', 'worker.js'),
    remove: () => rmSync(out, { recursive: true, force: true }),
  };
}
