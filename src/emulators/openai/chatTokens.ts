/**
 * Token counts for chat usage: an estimate shaped like BPE on English text (a word up to seven
 * letters is one token, longer ones more; digits in threes; each punctuation mark one), not a
 * tokenizer. Loading a real encoding takes seconds, which every emulator's first chat call
 * would pay; usage only needs to be plausible and stable.
 */
const PIECE = /\p{L}+|\p{N}{1,3}|[^\s\p{L}\p{N}]/gu;

export function estimateTokens(text: string): number {
  let n = 0;
  for (const [piece] of text.matchAll(PIECE)) {
    n += /^\p{L}/u.test(piece) ? Math.ceil(piece.length / 7) : 1;
  }
  return n;
}

/** The longest word-boundary prefix within `max` tokens (the API cuts mid-word; close enough). */
export function truncateToTokens(text: string, max: number): string {
  let out = '';
  for (const piece of text.match(/\s*\S+/gu) ?? []) {
    if (estimateTokens(out + piece) > max) break;
    out += piece;
  }
  return out;
}
