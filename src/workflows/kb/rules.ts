import type {
  ChunkingConfig,
  ChunkStrategy,
  KnowledgeBaseInput,
  RetrievalGateOptions,
} from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import { promotionConfigProblems } from '../approvalRules.js';

// The knowledge base's decisions that need no I/O: names, defaults, input checks. Pure and
// workflow-safe, so the workflow, the activities and the client apply the same rules, and each is
// unit-tested on its own.

/** Knowledge-base names become table, branch, tag and artifact names: keep them plain. */
export const KB_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The one chunker there is; its version changes whenever its output would. */
export const RECURSIVE_CHUNKER = { name: 'recursive', version: 1 } as const;

export const CHUNK_SIZE_RANGE = { min: 100, max: 8000 } as const;

/** The W&B collections of a knowledge base. */
export const kbArtifacts = (kb: string) => ({
  documents: `${kb}-documents`,
  chunks: `${kb}-chunks`,
  index: `${kb}-index`,
  golden: `${kb}-golden`,
});

export function resolveChunkStrategy(config: ChunkingConfig = {}): ChunkStrategy {
  const size = config.size ?? KB_DEFAULTS.chunkSize;
  const overlap = config.overlap ?? Math.min(KB_DEFAULTS.chunkOverlap, Math.floor(size / 2));
  const { name, version } = RECURSIVE_CHUNKER;
  return { name, version, size, overlap, id: `${name}@${version}:size=${size},overlap=${overlap}` };
}

export function resolveRetrievalOptions(
  o: RetrievalGateOptions = {},
): Required<Omit<RetrievalGateOptions, 'minRecall'>> & Pick<RetrievalGateOptions, 'minRecall'> {
  return {
    k: o.k ?? KB_DEFAULTS.k,
    maxDrop: o.maxDrop ?? KB_DEFAULTS.maxDrop,
    minRecall: o.minRecall,
  };
}

/** A PostgreSQL URI with a password in it: refused, so no password reaches history. */
export function hasPassword(store: string): boolean {
  const m = /^postgres(?:ql)?:\/\/([^@/]*)@/i.exec(store);
  return m !== null && (m[1] ?? '').includes(':');
}

const between = (v: number, lo: number, hi: number) => Number.isFinite(v) && v >= lo && v <= hi;

/** What is wrong with an ingest's input, before anything is read or spent (empty: nothing). */
export function kbInputProblems(input: KnowledgeBaseInput): string[] {
  const problems: string[] = [];
  if (!KB_NAME.test(input.kb ?? '')) {
    problems.push(`knowledge base name "${input.kb}" must be 1 to 64 letters, digits, '-' or '_'`);
  }
  if (!Array.isArray(input.sources) || input.sources.length === 0) {
    problems.push('give at least one folder or file of documents');
  }
  if (input.store !== undefined && hasPassword(input.store)) {
    problems.push(
      "the store URI carries a password: set PGPASSWORD in the worker's environment and leave it out of the URI",
    );
  }
  const c = input.chunking ?? {};
  const { size, overlap } = resolveChunkStrategy(c);
  if (!Number.isInteger(size) || !between(size, CHUNK_SIZE_RANGE.min, CHUNK_SIZE_RANGE.max)) {
    problems.push(
      `chunk size must be a whole number of characters from ${CHUNK_SIZE_RANGE.min} to ${CHUNK_SIZE_RANGE.max}`,
    );
  }
  if (!Number.isInteger(overlap) || !between(overlap, 0, Math.floor(size / 2))) {
    problems.push(
      'chunk overlap must be a whole number of characters from 0 to half the chunk size',
    );
  }
  const dims = input.embedding?.dimensions;
  if (dims !== undefined && (!Number.isInteger(dims) || !between(dims, 1, 16_000))) {
    problems.push('embedding dimensions must be a whole number from 1 to 16000');
  }
  const r = input.gates?.retrievalOptions ?? {};
  if (r.k !== undefined && (!Number.isInteger(r.k) || !between(r.k, 1, 100))) {
    problems.push("the retrieval gate's k must be a whole number from 1 to 100");
  }
  if (r.maxDrop !== undefined && !between(r.maxDrop, 0, 1)) {
    problems.push("the retrieval gate's maxDrop must be from 0 to 1");
  }
  if (r.minRecall !== undefined && !between(r.minRecall, 0, 1)) {
    problems.push("the retrieval gate's minRecall must be from 0 to 1");
  }
  for (const [key, v] of Object.entries(input.gates?.corpusThresholds ?? {})) {
    if (typeof v !== 'number' || !between(v, 0, 10)) {
      problems.push(`the corpus-change threshold ${key} must be a number from 0 to 10`);
    }
  }
  if (input.golden && !input.golden.path && !input.golden.version) {
    problems.push('a golden set needs a path or a W&B version');
  }
  if (input.promotion) problems.push(...promotionConfigProblems(input.promotion));
  return problems;
}

/** FNV-1a over UTF-16 code units, 32 bits: a short, stable tag where a name is too long. */
function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * The candidate's id in the store, from the workflow id: the same run always opens the same
 * candidate (a retried activity does not start over), and two runs never share one. Plain
 * characters only, at most 64.
 */
export function candidateIdFor(workflowId: string): string {
  const plain = workflowId.replace(/[^A-Za-z0-9_-]+/g, '-');
  if (plain === workflowId && plain.length <= 64 && plain.length > 0) return plain;
  const tag = `${hex8(fnv1a(workflowId, 0))}${hex8(fnv1a(workflowId, 1))}`;
  return `${plain.slice(0, 47).replace(/-+$/, '')}-${tag}`;
}

/**
 * The lock of a knowledge base's production (a child workflow id): one promotion or rollback per
 * store and knowledge base at a time, like the alias lock of a model collection.
 */
export function kbLockId(kb: string, store: string): string {
  return `kb-production/${kb}@${store}`;
}
