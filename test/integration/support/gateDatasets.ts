import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Generated training files for the promotion-gate tests: one with an example over the model's
// context limit, one whose shape is far from the bundled sample (for drift).

const WORDS = [
  'kettle',
  'water',
  'descale',
  'filter',
  'button',
  'display',
  'warranty',
  'cable',
  'base',
  'steam',
  'light',
  'order',
  'replace',
  'reset',
  'temperature',
  'boil',
];

const words = (n: number, offset = 0): string =>
  Array.from({ length: n }, (_, i) => WORDS[(i * 7 + offset) % WORDS.length]).join(' ');

/** A fresh temp directory; remove it with `cleanup`. */
export async function tempDatasetDir(): Promise<{
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'gates-it-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const line = (messages: { role: string; content: string }[]) => JSON.stringify({ messages });

/**
 * `examples` short chat examples and, at line `longLine`, one whose assistant reply is about
 * `longWords` words (about 1.07 tokens a word: the default 70k words is ~75k tokens, over a 65,536-token context).
 * The reply is cut part-way, so validation warns; a prompt that long would lose the reply entirely,
 * which validation refuses.
 */
export async function writeOverLimitDataset(
  dir: string,
  opts: { examples?: number; longLine?: number; longWords?: number } = {},
): Promise<string> {
  const examples = opts.examples ?? 12;
  const longLine = opts.longLine ?? 3;
  const lines: string[] = [];
  for (let i = 1; i <= examples; i++) {
    lines.push(
      line([
        { role: 'system', content: 'You are a concise support assistant.' },
        { role: 'user', content: `Question ${i}: ${words(8, i)}?` },
        {
          role: 'assistant',
          content:
            i === longLine
              ? `The whole log: ${words(opts.longWords ?? 70_000)}`
              : `Answer ${i}: ${words(10, i + 3)}.`,
        },
      ]),
    );
  }
  const path = join(dir, 'overlimit.jsonl');
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/**
 * A training set shaped nothing like the bundled sample: more examples, long multi-turn
 * conversations, no system prompt. Written as `<dir>/<name>/train.jsonl` so its W&B collection is
 * `train`, the same as the sample's: the drift gate compares within one collection.
 */
export async function writeDriftedTrainingSet(
  dir: string,
  opts: { examples?: number; turns?: number; wordsPerMessage?: number } = {},
): Promise<string> {
  const examples = opts.examples ?? 50;
  const turns = opts.turns ?? 6;
  const perMessage = opts.wordsPerMessage ?? 90;
  const sub = join(dir, `drifted-${randomBytes(3).toString('hex')}`);
  await mkdir(sub, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < examples; i++) {
    const messages: { role: string; content: string }[] = [];
    for (let t = 0; t < turns; t++) {
      messages.push({ role: 'user', content: `Case ${i}.${t}: ${words(perMessage, i + t)}?` });
      messages.push({ role: 'assistant', content: `Step ${i}.${t}: ${words(perMessage, i * t)}.` });
    }
    lines.push(line(messages));
  }
  const path = join(sub, 'train.jsonl');
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/**
 * `source` (a chat JSONL file) plus one more example: the first example's conversation with an
 * unrelated reply. The two references contradict each other, so no model can match both: a
 * candidate's mean score stays below 1 whatever the emulator's per-model draws (without it, a
 * fine-tuned model matches all six sample references in about a third of runs).
 */
export async function writeContradictingCopy(dir: string, source: string): Promise<string> {
  const lines = (await readFile(source, 'utf8')).split('\n').filter((l) => l.trim());
  const first = JSON.parse(lines[0]!) as { messages: { role: string; content: string }[] };
  const last = first.messages.findLastIndex((m) => m.role === 'assistant');
  const messages = first.messages.map((m, i) =>
    i === last ? { ...m, content: 'Zebras migrate across savannah grasslands seasonally.' } : m,
  );
  const path = join(dir, 'contradicting.jsonl');
  await writeFile(path, [...lines, line(messages)].join('\n') + '\n');
  return path;
}

/** A W&B project name no other test uses. */
export const freshProject = (prefix: string): string =>
  `${prefix}-${randomBytes(4).toString('hex')}`;
