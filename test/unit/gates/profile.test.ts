import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateDatasetFile } from '../../../src/dataset/index.js';
import type { FineTuneMethodType } from '../../../src/shared/types.js';
import { modelFacts } from '../../../src/dataset/models.js';
import { countExampleTokens, loadTokenCounter } from '../../../src/dataset/tokens.js';
import type { ChatMessage } from '../../../src/dataset/messages.js';
import {
  binIndex,
  binLabels,
  ProfileBuilder,
  TOKEN_BIN_EDGES,
  TURN_BIN_EDGES,
} from '../../../src/gates/profile.js';
import { profileDatasetFile } from '../../../src/gates/profileFile.js';
import type { DatasetProfile } from '../../../src/shared/promotionTypes.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/datasets');
const MODEL = 'gpt-4.1-mini-2025-04-14';

describe('bin edges', () => {
  it('are the documented log-ish token bins and turn bins', () => {
    expect(TOKEN_BIN_EDGES).toEqual([
      0,
      32,
      64,
      128,
      256,
      512,
      1024,
      2048,
      4096,
      8192,
      16384,
      Infinity,
    ]);
    expect(binLabels(TURN_BIN_EDGES)).toEqual(['1', '2', '3', '4', '5–6', '7–10', '11+']);
    expect(binLabels(TOKEN_BIN_EDGES)[0]).toBe('0–31');
    expect(binLabels(TOKEN_BIN_EDGES).at(-1)).toBe('16384+');
  });

  it('place values on the lower edge inclusively', () => {
    expect(binIndex(TOKEN_BIN_EDGES, 0)).toBe(0);
    expect(binIndex(TOKEN_BIN_EDGES, 31)).toBe(0);
    expect(binIndex(TOKEN_BIN_EDGES, 32)).toBe(1);
    expect(binIndex(TOKEN_BIN_EDGES, 16383)).toBe(9);
    expect(binIndex(TOKEN_BIN_EDGES, 16384)).toBe(10);
    expect(binIndex(TOKEN_BIN_EDGES, 10_000_000)).toBe(10);
    expect(binIndex(TURN_BIN_EDGES, 0)).toBe(0);
    expect([1, 2, 3, 4, 5, 6, 7, 10, 11, 99].map((n) => binIndex(TURN_BIN_EDGES, n))).toEqual([
      0, 1, 2, 3, 4, 4, 5, 5, 6, 6,
    ]);
  });
});

describe('ProfileBuilder', () => {
  const msgs = (...roles: string[]) => ({ messages: roles.map((role) => ({ role })) });

  it('counts examples, bins, roles and system share', () => {
    const b = new ProfileBuilder();
    b.add(msgs('system', 'user', 'assistant'), 40);
    b.add(msgs('user', 'assistant'), { total: 300 });
    b.add(msgs('developer', 'user', 'assistant', 'user', 'assistant'), 20_000);
    b.add(msgs('user', 'assistant'), 10);
    const p = b.build();
    expect(p.examples).toBe(4);
    expect(p.tokenBins).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(p.turnBins).toEqual([0, 2, 1, 0, 1, 0, 0]);
    expect(p.roles).toEqual({ assistant: 5, developer: 1, system: 1, user: 5 });
    expect(p.systemShare).toBe(0.5);
    expect(p.tokenMedian).toBe(40); // nearest rank of 10, 40, 300, 20000
  });

  it('counts a legacy prompt/completion example as two turns', () => {
    const b = new ProfileBuilder();
    b.add({ messages: [], completion: { prompt: 'p', completion: 'c' } }, 5);
    expect(b.build()).toMatchObject({
      examples: 1,
      turnBins: [0, 1, 0, 0, 0, 0, 0],
      roles: { prompt: 1, completion: 1 },
      systemShare: 0,
    });
  });

  it('builds an empty profile and refuses bad token counts', () => {
    const empty = new ProfileBuilder().build();
    expect(empty).toEqual({
      examples: 0,
      tokenBins: new Array(11).fill(0),
      turnBins: new Array(7).fill(0),
      roles: {},
      systemShare: 0,
    });
    expect(() => new ProfileBuilder().add(msgs('user'), -1)).toThrow(RangeError);
    expect(() => new ProfileBuilder().add(msgs('user'), Number.NaN)).toThrow(RangeError);
  });

  it('returns copies: building twice or adding later does not change a built profile', () => {
    const b = new ProfileBuilder();
    b.add(msgs('user', 'assistant'), 10);
    const first = b.build();
    b.add(msgs('user', 'assistant'), 10);
    expect(first.examples).toBe(1);
    expect(first.tokenBins[0]).toBe(1);
    expect(b.build().tokenBins[0]).toBe(2);
  });
});

// ---- the file reader, against counts made here without the profile code ------------------------

/** Bin by formula rather than by the edge table: 0–31 → 0, then one bin per power of two. */
const tokenBinOf = (t: number) => (t < 32 ? 0 : Math.min(10, Math.floor(Math.log2(t)) - 4));
const turnBinOf = (n: number) => (n <= 4 ? Math.max(0, n - 1) : n <= 6 ? 4 : n <= 10 ? 5 : 6);

type Json = Record<string, unknown>;

async function countIndependently(
  path: string,
  method: FineTuneMethodType,
  keepLines?: number[],
): Promise<DatasetProfile> {
  const counter = await loadTokenCounter(modelFacts(MODEL).encoding);
  const text = readFileSync(path, 'utf8');
  const tokenBins = new Array<number>(11).fill(0);
  const turnBins = new Array<number>(7).fill(0);
  const roles: Record<string, number> = {};
  let examples = 0;
  let withSystem = 0;
  const tokens: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || (keepLines && !keepLines.includes(i + 1))) return;
    const obj = JSON.parse(line) as Json;
    const holder = (method === 'dpo' ? obj.input : obj) as Json;
    const messages = [
      ...(holder.messages as ChatMessage[]),
      ...((obj.preferred_output as ChatMessage[] | undefined) ?? []),
      ...((obj.non_preferred_output as ChatMessage[] | undefined) ?? []),
    ];
    const tools = [
      ...((holder.tools as unknown[] | undefined) ?? []),
      ...((holder.functions as unknown[] | undefined) ?? []),
    ];
    const total = countExampleTokens(counter, { messages, trained: [], tools, images: 0 }).total;
    examples++;
    tokens.push(total);
    tokenBins[tokenBinOf(total)]!++;
    turnBins[turnBinOf(messages.length)]!++;
    for (const m of messages) roles[m.role] = (roles[m.role] ?? 0) + 1;
    if (messages.some((m) => m.role === 'system' || m.role === 'developer')) withSystem++;
  });
  tokens.sort((a, b) => a - b);
  return {
    examples,
    tokenBins,
    turnBins,
    roles,
    systemShare: withSystem / examples,
    tokenMedian: tokens[Math.ceil(examples / 2) - 1]!,
  };
}

const sorted = (r: Record<string, number>) =>
  Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));

describe('profileDatasetFile', () => {
  const cases: [string, FineTuneMethodType, number][] = [
    ['test/fixtures/datasets/chat-tools.jsonl', 'supervised', 10],
    ['test/fixtures/datasets/dpo.jsonl', 'dpo', 10],
    ['test/fixtures/datasets/pii.jsonl', 'supervised', 12],
    ['test/fixtures/datasets/reinforcement.jsonl', 'reinforcement', 12],
    ['test/fixtures/datasets/too-few.jsonl', 'supervised', 3],
    ['data/sample/train.jsonl', 'supervised', 20],
    ['data/sample/valid.jsonl', 'supervised', 6],
  ];

  it.each(cases)('profiles %s exactly', async (file, method, examples) => {
    const path = join(ROOT, file);
    const profile = await profileDatasetFile(path, { model: MODEL, method });
    const expected = await countIndependently(path, method);
    expect(expected.examples).toBe(examples);
    expect(profile).toEqual({ ...expected, roles: sorted(expected.roles) });
    expect(profile.tokenBins.reduce((s, n) => s + n, 0)).toBe(examples);
    expect(profile.turnBins.reduce((s, n) => s + n, 0)).toBe(examples);
  });

  it('counts the sample training set by hand: 20 examples, 62 messages, all with a system prompt', async () => {
    const p = await profileDatasetFile(join(ROOT, 'data/sample/train.jsonl'), {
      model: MODEL,
      method: 'supervised',
    });
    expect(p.examples).toBe(20);
    expect(p.roles).toEqual({ assistant: 21, system: 20, user: 21 });
    expect(p.systemShare).toBe(1);
    expect(p.turnBins).toEqual([0, 0, 19, 0, 1, 0, 0]);
  });

  it('profiles only the examples validation accepts (invalid.jsonl: lines 1, 2, 5, 14, 15)', async () => {
    const path = join(FIXTURES, 'invalid.jsonl');
    const profile = await profileDatasetFile(path, { model: MODEL, method: 'supervised' });
    const expected = await countIndependently(path, 'supervised', [1, 2, 5, 14, 15]);
    expect(profile).toEqual({ ...expected, roles: sorted(expected.roles) });
    expect(profile.examples).toBe(5);
  });

  it.each(cases)('agrees with the validation pass on %s', async (file, method) => {
    const path = join(ROOT, file);
    const [profile, report] = await Promise.all([
      profileDatasetFile(path, { model: MODEL, method }),
      validateDatasetFile(path, { model: MODEL, method, minExamples: 1, piiScan: false }),
    ]);
    expect(profile.examples).toBe(report.examples);
    expect(profile.roles).toEqual(sorted(report.stats.messagesByRole));
    expect(profile.systemShare).toBe(
      (report.examples - report.stats.withoutSystem) / report.examples,
    );
    expect(profile.tokenMedian).toBe(report.tokens.perExample.p50);
  });

  describe('on awkward files', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tf-gates-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('skips blank lines, invalid lines and a BOM; an empty file gives an empty profile', async () => {
      const line = JSON.stringify({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ],
      });
      const path = join(dir, 'awkward.jsonl');
      await writeFile(path, `\ufeff${line}\r\n\n   \n{not json}\n${line}`);
      const p = await profileDatasetFile(path, { model: MODEL, method: 'supervised' });
      expect(p.examples).toBe(2);
      expect(p.roles).toEqual({ assistant: 2, user: 2 });
      expect(p.systemShare).toBe(0);

      const empty = join(dir, 'empty.jsonl');
      await writeFile(empty, '');
      expect(
        (await profileDatasetFile(empty, { model: MODEL, method: 'supervised' })).examples,
      ).toBe(0);
    });

    it('rejects with the abort reason', async () => {
      const controller = new AbortController();
      controller.abort(new Error('cancelled by test'));
      await expect(
        profileDatasetFile(join(ROOT, 'data/sample/train.jsonl'), {
          model: MODEL,
          method: 'supervised',
          signal: controller.signal,
        }),
      ).rejects.toThrow('cancelled by test');
    });
  });
});
