import type { CorpusChange } from '../../shared/kbGateTypes.js';
import { docIdOf } from './chunking.js';

// The corpus-change gate's measurement, from two sets of chunk ids (production's and the
// candidate's): a chunk id names its document, so documents and their chunk sets follow. Pure.

const EXAMPLES = 10;

function byDocument(ids: Iterable<string>): Map<string, Set<string>> {
  const docs = new Map<string, Set<string>>();
  for (const id of ids) {
    const doc = docIdOf(id);
    let set = docs.get(doc);
    if (!set) docs.set(doc, (set = new Set()));
    set.add(id);
  }
  return docs;
}

const sameSet = (a: Set<string>, b: Set<string>) =>
  a.size === b.size && [...a].every((x) => b.has(x));
const sorted = (xs: string[]) => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export function corpusChange(
  baseline: string | null,
  before: Iterable<string>,
  after: Iterable<string>,
): CorpusChange {
  const b = byDocument(before);
  const a = byDocument(after);
  const added = sorted([...a.keys()].filter((d) => !b.has(d)));
  const removed = sorted([...b.keys()].filter((d) => !a.has(d)));
  const changed = sorted([...a.keys()].filter((d) => b.has(d) && !sameSet(a.get(d)!, b.get(d)!)));
  const chunksBefore = new Set(before);
  const chunksAfter = new Set(after);
  return {
    baseline,
    documents: {
      before: b.size,
      after: a.size,
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      unchanged: a.size - added.length - changed.length,
    },
    chunks: {
      before: chunksBefore.size,
      after: chunksAfter.size,
      added: [...chunksAfter].filter((c) => !chunksBefore.has(c)).length,
      removed: [...chunksBefore].filter((c) => !chunksAfter.has(c)).length,
    },
    examples: {
      added: added.slice(0, EXAMPLES),
      removed: removed.slice(0, EXAMPLES),
      changed: changed.slice(0, EXAMPLES),
    },
  };
}
