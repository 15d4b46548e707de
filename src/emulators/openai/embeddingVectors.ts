// Deterministic embeddings that keep lexical similarity, so retrieval in the sandbox and the
// tests means something: texts sharing words (or word pieces) point in similar directions, texts
// sharing nothing are near orthogonal. A hashed bag of features (words, and character trigrams
// for inflections and typos), each feature signed into a few of the model's dimensions, with
// sublinear term frequency, L2-normalised. The model's id seeds the hashes: two models' vectors
// of one text are unrelated, as real models' are.
//
// `dimensions` shortens like the text-embedding-3 models do: the first d numbers of the full
// vector, normalised again.

const PROJECTIONS = 3;
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.35;

/** FNV-1a, 32 bits, over UTF-16 code units: fast and stable across runs and platforms. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Each feature's weight: its kind's weight times 1 + ln(occurrences). */
function features(text: string): Map<string, number> {
  const counts = new Map<string, { n: number; weight: number }>();
  const add = (feature: string, weight: number): void => {
    const c = counts.get(feature);
    if (c) c.n++;
    else counts.set(feature, { n: 1, weight });
  };
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    add(`w:${word}`, WORD_WEIGHT);
    const padded = `<${word}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  // Punctuation or symbols only: still a vector of its own.
  if (words.length === 0) for (const ch of text) add(`r:${ch}`, WORD_WEIGHT);
  return new Map([...counts].map(([f, c]) => [f, c.weight * (1 + Math.log(c.n))]));
}

function normalise(v: Float64Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return Float32Array.from(v, (x) => (norm > 0 ? x / norm : 0));
}

/** The full-size unit vector of `text` for `model`. */
export function embedText(model: string, dims: number, text: string): Float32Array {
  const seed = fnv1a(model, 0);
  const v = new Float64Array(dims);
  for (const [feature, weight] of features(text)) {
    const w = weight / Math.sqrt(PROJECTIONS);
    for (let p = 0; p < PROJECTIONS; p++) {
      const h = fnv1a(feature, seed + p);
      v[h % dims]! += h & 0x80000000 ? -w : w;
    }
  }
  return normalise(v);
}

/**
 * The first `d` numbers, normalised again. Should they all be zero (a very short text and a very
 * small `d`), a fixed unit vector of the text stands in: a real model never answers zeros.
 */
export function shorten(full: Float32Array, d: number, model: string, text: string): Float32Array {
  if (d >= full.length) return full;
  const head = normalise(Float64Array.from(full.subarray(0, d)));
  if (head.some((x) => x !== 0)) return head;
  const fallback = new Float32Array(d);
  fallback[fnv1a(`${model}\u0000${text}`, 1) % d] = 1;
  return fallback;
}

/** Little-endian float32 bytes as base64, the API's `encoding_format: "base64"`. */
export function toBase64(v: Float32Array): string {
  const bytes = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}
