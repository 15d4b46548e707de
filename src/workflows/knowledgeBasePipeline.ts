import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { describeGates } from '../gates/index.js';
import { ErrorType } from '../shared/errorTypes.js';
import type {
  KbProgress,
  KbStage,
  KnowledgeBaseInput,
  KnowledgeBaseResult,
} from '../shared/knowledgeBaseTypes.js';
import { rootMessage } from '../shared/rootCause.js';
import { FineTuneStage } from '../shared/searchAttributes.js';
import {
  kbCheckActivities,
  kbCleanupActivities,
  kbEmbedActivities,
  kbPrepareActivities,
  kbReadActivities,
} from './activityOptions.js';
import { ApprovalDesk } from './approval.js';
import { HANDLER_DESCRIPTIONS, kbProgressQuery } from './definitions.js';
import { WorkflowEvents } from './events.js';
import { failureType } from './failures.js';
import { kbEventRef } from './kb/events.js';
import { runKbGates } from './kb/gates.js';
import { governKbPromotion } from './kb/promotion.js';
import { candidateIdFor, kbInputProblems } from './kb/rules.js';
import { KbWandb } from './kb/wandb.js';
import { PATCH } from './patches.js';

/**
 * The knowledge-base pipeline (a workflow type of its own). Each stage is one hop from here:
 *   1. prepare  — kbPrepareActivities.prepareKnowledgeBase: the store, what production holds, the
 *                 embeddings checked with one request (src/activities/knowledgeBase/prepare.ts)
 *   2. read     — kbReadActivities.readCorpus: documents → chunks in the worker's run folder
 *                 (readers per format, the named chunking strategy; corpus.ts, chunking.ts)
 *   3. version  — KbWandb.versionCorpus: `<kb>-documents` and `<kb>-chunks` (kb/wandb.ts)
 *   4. embed    — kbEmbedActivities.embedAndWrite: only texts the cache lacks are embedded; the
 *                 candidate is built beside production, copied forward from it (embedWrite.ts)
 *   5. check    — kbCheckActivities.checkAndSeal: every manifest id once, nothing stale, then seal
 *   6. index    — KbWandb.versionIndex: `<kb>-index` with lineage from the chunks
 *   7. gates    — runKbGates (kb/gates.ts): PII, corpus change, retrieval A/B on the golden set
 *   8. approval — governKbPromotion (kb/promotion.ts): the fine-tune's desk (approval.ts), then
 *                 production moves under the knowledge base's lock (kb/moveProduction.ts);
 *                 rollback is its own workflow (kb/rollback.ts)
 * Texts and vectors never enter history: activities return ids, counts and digests.
 */
export async function knowledgeBasePipeline(
  input: KnowledgeBaseInput,
): Promise<KnowledgeBaseResult> {
  const candidateId = candidateIdFor(workflowInfo().workflowId);
  const wandb = new KbWandb(input);
  const progress: KbProgress = { kb: input.kb, stage: 'reading', candidateId, wandb: wandb.result };
  const promotion = input.promotion === false ? false : (input.promotion ?? {});
  const desk = new ApprovalDesk(promotion, () => progress.stage);
  desk.install();
  progress.approval = desk.record;
  setHandler(kbProgressQuery, () => progress, { description: HANDLER_DESCRIPTIONS.kbProgress });
  const events = new WorkflowEvents(patched(PATCH.kbOutgoingEvents));
  if (events.enabled) progress.events = events.emitted;
  let lastActiveStage: KbStage = progress.stage;
  const setStage = (stage: KbStage, details?: string) => {
    progress.stage = stage;
    if (stage !== 'failed') lastActiveStage = stage;
    progress.details = details ?? stage;
    upsertSearchAttributes([{ key: FineTuneStage, value: stage }]);
    setCurrentDetails(`**${stage}**${details ? `: ${details}` : ''}`);
  };
  const problems = kbInputProblems(input);
  if (problems.length) {
    progress.error = `invalid knowledge-base input: ${problems.join('; ')}`;
    setStage('failed', progress.error);
    throw ApplicationFailure.nonRetryable(progress.error, ErrorType.KbInvalidInput);
  }

  let promoted = false;
  try {
    setStage('reading', 'checking the store and the embeddings, then reading the documents');
    await wandb.resolve();
    const prepared = await kbPrepareActivities.prepareKnowledgeBase({
      kb: input.kb,
      ...(input.store ? { store: input.store } : {}),
      ...(input.embedding ? { embedding: input.embedding } : {}),
      ...(wandb.target ? { target: wandb.target } : {}),
    });
    const store = prepared.store;
    Object.assign(progress, {
      store,
      baseline: prepared.production,
      embedding: prepared.embedding,
    });
    const corpus = await kbReadActivities.readCorpus({
      kb: input.kb,
      candidateId,
      sources: input.sources,
      ...(input.chunking ? { chunking: input.chunking } : {}),
    });
    progress.corpus = corpus;

    setStage(
      'versioning',
      `${corpus.documents} documents, ${corpus.chunks} chunks (${corpus.strategy.id})`,
    );
    await wandb.versionCorpus(candidateId, corpus);

    setStage(
      'embedding',
      `${corpus.distinctTexts} distinct chunk texts with ${prepared.embedding.model}` +
        (prepared.base ? `, copied forward from ${prepared.base}` : ', built from nothing') +
        (prepared.baseNote ? ` (${prepared.baseNote})` : ''),
    );
    const corpusRef = {
      sources: input.sources,
      strategy: corpus.strategy,
      documentsDigest: corpus.documentsDigest,
      chunkSetDigest: corpus.chunkSetDigest,
    };
    const { report: embed, change } = await kbEmbedActivities.embedAndWrite({
      kb: input.kb,
      store: store.location,
      candidateId,
      base: prepared.base,
      production: prepared.production,
      embedding: prepared.embedding,
      corpus: corpusRef,
    });
    Object.assign(progress, { embed, corpusChange: change });

    setStage('checking', `the candidate against the manifest of ${corpus.chunks} chunk ids`);
    const checked = await kbCheckActivities.checkAndSeal({
      kb: input.kb,
      store: store.location,
      candidateId,
      dims: prepared.embedding.dims,
      corpus: corpusRef,
    });
    if (!checked.check.ok || !checked.versionId) {
      const c = checked.check;
      throw ApplicationFailure.nonRetryable(
        `The candidate index does not match its manifest: ${c.missing.count} missing, ${c.duplicates.count} duplicated, ${c.stale.count} stale (e.g. ${[...c.missing.examples, ...c.duplicates.examples, ...c.stale.examples].slice(0, 3).join(', ')}); it was not sealed and production is untouched.`,
        ErrorType.KbIndexMismatch,
      );
    }
    const index = { versionId: checked.versionId, check: checked.check };
    progress.index = index;

    setStage('evaluating', 'versioning the index, then the gates: PII, corpus change, retrieval');
    const golden = await wandb.golden();
    await wandb.versionIndex({
      candidateId,
      store,
      index,
      embedding: prepared.embedding,
      corpus,
      embed,
    });
    desk.record.gates = await runKbGates({
      input,
      store: store.location,
      corpus,
      change,
      embedding: prepared.embedding,
      candidate: index.versionId,
      production: prepared.production,
      golden,
    });

    const result = (stage: KnowledgeBaseResult['stage']): KnowledgeBaseResult => ({
      kb: input.kb,
      stage,
      store,
      index,
      corpus,
      embedding: prepared.embedding,
      embed,
      corpusChange: change,
      wandb: wandb.result,
      approval: desk.record,
    });
    if (promotion === false) {
      desk.finish();
      setStage(
        'succeeded',
        `index ${index.versionId} sealed; promotion is off\n\n${describeGates(desk.record.gates)}`,
      );
      return result('succeeded');
    }
    const ended = await governKbPromotion({
      kb: input.kb,
      config: promotion,
      desk,
      store,
      candidate: index.versionId,
      wandb,
      setStage,
      events,
      eventRef: () => kbEventRef(progress),
    });
    promoted = ended === 'promoted';
    return result(ended);
  } catch (err) {
    progress.error = rootMessage(err);
    setStage(isCancellation(err) ? 'cancelled' : 'failed', progress.error);
    if (!isCancellation(err)) {
      await events.emit('kb.pipeline.failed', {
        ...kbEventRef(progress),
        stage: lastActiveStage,
        error: progress.error,
        ...(failureType(err) ? { errorType: failureType(err) } : {}),
      });
    }
    throw err;
  } finally {
    // The run folder goes either way; a candidate that was not promoted is dropped (a new run
    // starts a new one; the store refuses to drop one a pointer still needs).
    const location = progress.store?.location;
    if (location) {
      await CancellationScope.nonCancellable(async () => {
        try {
          await kbCleanupActivities.cleanUpKbRun({
            kb: input.kb,
            store: location,
            candidateId,
            dropCandidate: !promoted,
          });
        } catch (err) {
          if (isCancellation(err)) throw err;
          // Best effort: a leftover folder or candidate never changes what production serves.
        }
      });
    }
  }
}
