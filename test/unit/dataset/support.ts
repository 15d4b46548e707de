import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { validateDatasetFile, type ValidateDatasetOptions } from '../../../src/dataset/index.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/datasets/', import.meta.url));
export const SAMPLES = fileURLToPath(new URL('../../../data/sample/', import.meta.url));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function validate(path: string, opts: Partial<ValidateDatasetOptions> = {}) {
  return validateDatasetFile(path, {
    model: 'gpt-4.1-2025-04-14',
    method: 'supervised',
    minExamples: 10,
    piiScan: false,
    ...opts,
  });
}

export interface Scratch {
  dir: string;
  write: (name: string, body: string | Buffer) => Promise<string>;
  cleanup: () => Promise<void>;
}

/** A fresh temporary directory. */
export async function scratchDir(): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), 'tf-dataset-'));
  return {
    dir,
    write: async (name, body) => {
      const path = join(dir, name);
      await writeFile(path, body);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A temporary directory for the enclosing describe block, removed after it. */
export function useScratchDir(): Omit<Scratch, 'cleanup'> {
  let scratch: Scratch | undefined;
  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch?.cleanup());
  const current = (): Scratch => {
    if (!scratch) throw new Error('scratch directory used outside a test');
    return scratch;
  };
  return {
    get dir() {
      return current().dir;
    },
    write: (name, body) => current().write(name, body),
  };
}

export function chatLine(
  user: string,
  assistant: string,
  system = 'You are a helpful assistant.',
): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
  });
}

export function jsonl(lines: readonly (string | object)[]): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}
