import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSource, scanTree } from './seamScan.js';

// The provider seam is true: code above src/providers/ (workflows, activities, W&B, gates, the
// CLI, the client library) neither imports a provider's SDK or folder nor names a provider; what
// differs is declared by the provider (src/providers/types.ts). A fourth provider is then one
// folder under src/providers/ (and an emulator flavour), with nothing to change up here.

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Where naming providers is the point. */
const EXEMPT: [RegExp, string][] = [
  [/^src\/providers\//, 'the providers themselves'],
  [/^src\/emulators\//, 'the local stand-ins for each provider'],
  [
    /^src\/(sandbox|localStack)\//,
    'the keyless sandbox and local stack wire an emulator to its provider',
  ],
  [/^src\/cli\/commands\/(emulate[A-Za-z]*|sandbox)\.ts$/, 'the emulate and sandbox commands'],
  [/^src\/config\.ts$/, "the worker's environment: each provider's settings"],
  [
    /^src\/(webhooks\/|cli\/commands\/webhook\.ts$)/,
    'the receiver of the signed (Standard Webhooks) deliveries of providers whose capabilities say webhooks',
  ],
];

/** Single strings that name a provider for a reason other than choosing it. */
const ALLOWED: { file: string; text: RegExp; why: string }[] = [
  {
    file: 'src/shared/syncTypes.ts',
    text: /^OpenAI-Fine-Tune$/,
    why: "WandbLogger's default W&B project, kept so `finetune sync` writes where it did",
  },
  {
    file: 'src/workflows/patches.ts',
    text: /^(migrateModel\/openai-to-azure|fineTunePipeline\/together-[a-z-]+)\.json$/,
    why: 'the patch registry names a replay history after the migration it recorded',
  },
  {
    file: 'src/workflows/patches.ts',
    text: /^Every resolveModelAlias run closes within/,
    why: '"together" as an English word, not the provider',
  },
];

const exempt = (file: string) => EXEMPT.some(([re]) => re.test(file));

function findings() {
  return scanTree(ROOT, ['src'], exempt).filter(
    (f) =>
      !ALLOWED.some(
        (a) => a.file === f.file && a.text.test(/in "(.*)"$/.exec(f.what)?.[1] ?? '\u0000'),
      ),
  );
}

describe('the provider seam', () => {
  it('no code above src/providers/ imports a provider SDK or folder, or names a provider', () => {
    expect(findings().map((f) => `${f.file}:${f.line} ${f.what}`)).toEqual([]);
  });

  it('the scan catches each way of naming a provider (negative controls)', () => {
    const caught = (src: string) => scanSource('x.ts', src).map((f) => f.what);
    expect(caught("import OpenAI from 'openai';")).toEqual(['imports the provider SDK "openai"']);
    expect(caught("import type { X } from 'together-ai/resources';")).toHaveLength(1);
    expect(caught("import { azureProvider } from '../providers/azure/index.js';")).toEqual([
      `imports a provider's folder "../providers/azure/index.js"`,
    ]);
    expect(caught("const m = await import('../../providers/together/jobs.js');")).toHaveLength(1);
    expect(caught("if (provider.name === 'together') wait();")).toHaveLength(1);
    expect(caught('const label = `trained on Azure OpenAI`;')).toHaveLength(1);
    // What is allowed: the seam's own files, comments, and words that only contain a name.
    expect(caught("import type { FineTuneProvider } from '../providers/types.js';")).toEqual([]);
    expect(caught('// OpenAI and Together differ here\nconst x = 1;')).toEqual([]);
    expect(caught("const key = 'OPENAI_API_KEY_HINT'; const t = 'togetherness';")).toEqual([]);
  });

  it('every exemption still covers a file (none is stale)', () => {
    const files = scanTree(ROOT, ['src'], () => false).map((f) => f.file);
    for (const [re, why] of EXEMPT)
      expect(
        files.some((f) => re.test(f)),
        why,
      ).toBe(true);
  });
});
