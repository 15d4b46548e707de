// What the knowledge base's gates measure, as it travels through history and into W&B metadata.
// Workflow-safe and self-contained (promotionTypes.ts and knowledgeBaseTypes.ts both import it;
// it imports neither). Counts, scores and a few example ids: never document or chunk texts.

/** PII found in the documents (e-mail addresses, phone numbers, card numbers). */
export interface KbPiiFindings {
  emails: number;
  phones: number;
  cardNumbers: number;
  /** Documents with at least one finding. */
  documents: number;
  /** The first document ids with a finding (capped). */
  examples: string[];
}

/**
 * The candidate's corpus against the index in production, read from the two indexes' chunk ids
 * (ids are `<document id>#<chunk digest>`, so documents and their chunk sets come from the ids).
 */
export interface CorpusChange {
  /** The production version compared with; null when nothing is in production yet. */
  baseline: string | null;
  documents: {
    before: number;
    after: number;
    added: number;
    removed: number;
    /** In both, with a different set of chunks (edited text). */
    changed: number;
    unchanged: number;
  };
  chunks: { before: number; after: number; added: number; removed: number };
  /** A few document ids of each kind (capped), for the approver. */
  examples: { added: string[]; removed: string[]; changed: string[] };
}

/** One index's scores on the golden set (means over questions, 0..1). */
export interface RetrievalArm {
  /** The store's version id, for the record. */
  version: string;
  /** Share of questions with at least one relevant document in the top k. */
  hitRate: number;
  recall: number;
  mrr: number;
  ndcg: number;
}

export interface RetrievalQuestionExample {
  question: string;
  relevant: string[];
}

/** Retrieval A/B on a golden set: exact search, fixed k, the same cached query vectors for both. */
export interface RetrievalReport {
  /** The golden set measured on: a W&B version (`entity/project/<kb>-golden:vN`) or a path. */
  golden: string;
  questions: number;
  k: number;
  candidate: RetrievalArm;
  /** Null when nothing is in production yet. */
  production: RetrievalArm | null;
  /** Questions production answered (a relevant document in its top k) and the candidate does not. */
  lost: { count: number; examples: RetrievalQuestionExample[] };
  /** Labels naming documents the candidate's corpus does not have (they count as misses). */
  missingDocuments: { count: number; examples: string[] };
  /** Question vectors: embedded now, or from the embedding cache (the same vector for both arms). */
  queryEmbeddings: { requested: number; reused: number };
}
