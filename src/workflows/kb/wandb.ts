import { isCancellation } from '@temporalio/workflow';
import type {
  CorpusSummary,
  EmbeddingSpec,
  EmbedReport,
  KbWandbResult,
  KnowledgeBaseInput,
  SealedIndex,
  StoreRef,
} from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import { rootMessage } from '../../shared/rootCause.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { kbPrepareActivities, kbWandbActivities } from '../activityOptions.js';

/** `entity/project/name:v3` → `v3`. */
export const versionOf = (ref: string): string => ref.slice(ref.lastIndexOf(':') + 1);

/**
 * The knowledge base's record in W&B: documents, chunks, golden set and index versions, with
 * lineage. Best effort — the index is the store's, W&B is its record: what W&B could not take is
 * listed in `result.errors` and the run goes on (promotion then moves the store's pointer only).
 */
export class KbWandb {
  readonly result: KbWandbResult = { errors: [] };
  target?: WandbTarget;

  constructor(private readonly input: KnowledgeBaseInput) {}

  async resolve(): Promise<void> {
    if (this.input.wandb === false) {
      this.result.skipped = 'off for this ingest (wandb: false)';
      return;
    }
    const target = await this.attempt('finding the W&B entity', () =>
      kbWandbActivities.resolveWandbTarget({
        project: this.input.wandb
          ? (this.input.wandb.project ?? KB_DEFAULTS.project)
          : KB_DEFAULTS.project,
        entity: this.input.wandb ? this.input.wandb.entity : undefined,
        optional: true,
      }),
    );
    if (target) {
      this.target = target;
      this.result.target = target;
    } else if (target === null) {
      this.result.skipped = 'W&B is not configured on the worker (no WANDB_API_KEY)';
    }
  }

  async versionCorpus(candidateId: string, summary: CorpusSummary): Promise<void> {
    const target = this.target;
    if (!target) return;
    const v = await this.attempt('versioning the documents and chunks', () =>
      kbWandbActivities.versionKbCorpus({
        target,
        kb: this.input.kb,
        candidateId,
        sources: this.input.sources,
        summary,
      }),
    );
    if (!v) return;
    Object.assign(this.result, {
      documents: v.documents,
      chunks: v.chunks,
      documentsCreated: v.documentsCreated,
      chunksCreated: v.chunksCreated,
    });
  }

  /**
   * The golden set: a file (versioned when W&B is on), a named W&B version, or the latest
   * `<kb>-golden`. Null: none. A named set that cannot be found fails the run (it was asked for).
   */
  async golden(): Promise<{ ref?: string; path?: string } | null> {
    const g = this.input.golden;
    if (g === false) return null;
    const found = await kbPrepareActivities.resolveKbGolden({
      kb: this.input.kb,
      ...(this.target ? { target: this.target } : {}),
      ...(g?.path ? { path: g.path } : {}),
      ...(g?.version ? { version: g.version } : {}),
    });
    if (found?.ref) this.result.golden = found.ref;
    return found
      ? { ...(found.ref ? { ref: found.ref } : {}), ...(found.path ? { path: found.path } : {}) }
      : null;
  }

  async versionIndex(args: {
    candidateId: string;
    store: StoreRef;
    index: SealedIndex;
    embedding: EmbeddingSpec;
    corpus: CorpusSummary;
    embed: EmbedReport;
  }): Promise<void> {
    const target = this.target;
    const { documents, chunks } = this.result;
    if (!target || !documents || !chunks) return;
    const v = await this.attempt('versioning the index', () =>
      kbWandbActivities.versionKbIndex({
        target,
        kb: this.input.kb,
        candidateId: args.candidateId,
        store: args.store,
        versionId: args.index.versionId,
        embedding: args.embedding,
        strategy: args.corpus.strategy,
        documents,
        chunks,
        corpus: { documents: args.corpus.documents, chunks: args.corpus.chunks },
        embed: args.embed,
        check: args.index.check,
        ...(this.result.golden ? { golden: this.result.golden } : {}),
      }),
    );
    if (v) this.result.index = v.ref;
  }

  /** The W&B side of a promotion, when every version it moves exists. */
  promotion():
    | {
        target: WandbTarget;
        version: string;
        datasets: { role: 'documents' | 'chunks'; ref: string }[];
      }
    | undefined {
    const { index, documents, chunks } = this.result;
    if (!this.target || !index || !documents || !chunks) return undefined;
    return {
      target: this.target,
      version: versionOf(index),
      datasets: [
        { role: 'documents', ref: documents },
        { role: 'chunks', ref: chunks },
      ],
    };
  }

  private async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (isCancellation(err)) throw err;
      this.result.errors.push(`${what}: ${rootMessage(err)}`);
      return undefined;
    }
  }
}
