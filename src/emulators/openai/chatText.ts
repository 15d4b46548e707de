import { createHash } from 'node:crypto';

/**
 * Text helpers for the emulated chat models. Prompts are matched after normalising, so that
 * case, punctuation and spacing do not decide whether a model "knows" an answer.
 */

/** Lower case, letters and digits only, single spaces. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function wordsOf(text: string): string[] {
  const normal = normalizeText(text);
  return normal === '' ? [] : normal.split(' ');
}

/** Words too common to say what a text is about. */
const STOPWORDS = new Set(
  (
    'a an the and or but if then so to of in on at by for with from about into over is are was ' +
    'were be been am do does did have has had i me my we our you your it its this that these ' +
    'those what which who whom how why when where can could should would will shall may might ' +
    'must not no yes please there here they them their he she his her than too very just'
  ).split(' '),
);

/** The words of the text that carry meaning (stopwords left out). */
export function contentWordsOf(text: string): string[] {
  return wordsOf(text).filter((w) => !STOPWORDS.has(w));
}

/** Sentences, each with its closing punctuation. */
export function sentencesOf(text: string): string[] {
  return text
    .trim()
    .split(/(?<=[.!?])\s+/u)
    .filter((s) => s !== '');
}

/** A stable number in [0, 1) for the given parts: the same parts give the same number in every run. */
export function stableUnit(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 4294967296;
}

/** The text of a message's content: a string, or the text parts of a content array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .filter((t) => t !== '')
    .join('\n');
}
