// The project image: Dockerfile rules, the build context, and that the pruned image still has
// every package the CLI and the workflow bundle load.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkDockerfile,
  checkDockerignore,
  execForm,
  parseDockerfile,
  type ImageExpectations,
} from './dockerfileChecks.js';
import { reachablePackages } from './prodImports.js';
import { ROOT } from './projectFacts.js';

const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const IMAGE: ImageExpectations = {
  nodeMajor: '20',
  entrypoint: ['node', 'bin/finetune.js'],
  defaultCommand: ['worker'],
};
const finalStage = () => parseDockerfile(DOCKERFILE).stages.at(-1);

describe('Dockerfile', () => {
  it('keeps every rule: node 20 slim stages, npm ci + build + prune, non-root, entrypoint, no baked secrets', () => {
    expect(checkDockerfile(DOCKERFILE, IMAGE)).toEqual([]);
  });

  it('runs bin/finetune.js as an unprivileged user, the worker by default', () => {
    const stage = finalStage();
    const get = (k: string) => stage?.instructions.filter((i) => i.keyword === k).at(-1)?.args;
    expect(execForm(get('ENTRYPOINT') ?? '')).toEqual(['node', pkg.bin.finetune]);
    expect(execForm(get('CMD') ?? '')).toEqual(['worker']);
    expect(get('USER')).toBe('node');
  });

  it('copies every published path (package.json "files") and the package-root marker into the image', () => {
    const assemble = parseDockerfile(DOCKERFILE)
      .all.filter((i) => i.keyword === 'RUN' && i.args.includes('/out'))
      .map((i) => i.args)
      .join(' ');
    for (const path of [...pkg.files, 'tools', 'node_modules', 'package.json']) {
      expect(assemble, `${path} is not copied into the image`).toMatch(new RegExp(`\\b${path}\\b`));
    }
    // src/projectRoot.ts finds the package by package.json next to tools/.
    expect(existsSync(join(ROOT, 'tools'))).toBe(true);
  });

  it('builds what bin/finetune.js and the worker load: dist/cli/main.js and dist/workflows/', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string };
    };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(readFileSync(join(ROOT, pkg.bin.finetune ?? ''), 'utf8')).toContain(
      '../dist/cli/main.js',
    );
    expect(existsSync(join(ROOT, 'src/cli/main.ts'))).toBe(true);
    expect(existsSync(join(ROOT, 'src/workflows/index.ts'))).toBe(true);
  });
});

describe('Dockerfile checker on broken copies', () => {
  const broken: [string, (text: string) => string, RegExp][] = [
    ['runs as root', (t) => t.replace(/^USER node$/m, ''), /runs as root/],
    ['runs as USER root', (t) => t.replace(/^USER node$/m, 'USER root'), /runs as root/],
    [
      'uses a shell-form entrypoint',
      (t) => t.replace(/^ENTRYPOINT .*$/m, 'ENTRYPOINT node bin/finetune.js'),
      /ENTRYPOINT is undefined/,
    ],
    [
      'bakes in a secret',
      (t) => `${t}\nENV OPENAI_API_KEY=sk-test\n`,
      /OPENAI_API_KEY would bake a secret/,
    ],
    ['keeps dev dependencies', (t) => t.replace(/npm prune[^\n]*/, 'true'), /not pruned/],
    [
      'uses another Node',
      (t) => t.replace('ARG NODE_VERSION=20', 'ARG NODE_VERSION=18'),
      /node:18-bookworm-slim/,
    ],
    [
      'is single-stage',
      (t) => t.replace(/^FROM .* AS runtime$/m, ''),
      /multi-stage|copies nothing/,
    ],
  ];
  it.each(broken)('fails when the image %s', (_name, mutate, expected) => {
    const mutated = mutate(DOCKERFILE);
    expect(mutated).not.toBe(DOCKERFILE);
    const problems = checkDockerfile(mutated, IMAGE);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });
});

describe('.dockerignore', () => {
  const text = readFileSync(join(ROOT, '.dockerignore'), 'utf8');

  it('keeps local secrets, dependencies and build output out of the build context', () => {
    expect(checkDockerignore(text, ['.env', '**/.env', 'node_modules', 'dist', '.git'])).toEqual(
      [],
    );
    expect(checkDockerignore('node_modules\n', ['.env'])).toEqual([
      '.dockerignore does not exclude .env',
    ]);
  });

  it('does not exclude what the build needs', () => {
    const patterns = text.split('\n').map((l) => l.trim());
    for (const needed of [
      'src',
      'bin',
      'tools',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
    ]) {
      expect(patterns).not.toContain(needed);
    }
  });
});

describe('the pruned image has every package the CLI and workflows load', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'prod-imports-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reaches only production dependencies from src/cli/main.ts and src/workflows/index.ts', () => {
    const used = reachablePackages(ROOT, ['src/cli/main.ts', 'src/workflows/index.ts']);
    expect(used.map((u) => u.pkg)).toEqual(
      expect.arrayContaining(['@temporalio/worker', 'commander']),
    );
    const missing = used.filter((u) => !(u.pkg in pkg.dependencies));
    expect(missing, 'imported at start-up but not in "dependencies"').toEqual([]);
  });

  it('notices a dev-only package imported at start-up, and ignores type-only imports', () => {
    mkdirSync(join(tmp, 'src'), { recursive: true });
    writeFileSync(
      join(tmp, 'src/main.ts'),
      "import { a } from './a.js';\nimport type { X } from 'vitest';\n",
    );
    writeFileSync(
      join(tmp, 'src/a.ts'),
      "import {\n  parse,\n} from 'yaml';\nexport * from 'node:fs';\n",
    );
    expect(reachablePackages(tmp, ['src/main.ts'])).toEqual([
      { pkg: 'yaml', importedBy: 'src/a.ts' },
    ]);
  });
});
