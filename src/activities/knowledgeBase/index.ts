import type {
  KbMovePlan,
  KbMoveRequest,
  KbQueryInput,
  KbReadInput,
} from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { pulsed, withPulse } from '../pulse.js';
import { resolveWandbTarget } from '../wandb/runs.js';
import { checkAndSeal, type CheckSealInput } from './checkSeal.js';
import { cleanUpKbRun } from './cleanup.js';
import { storeRef, type KbActivityDeps } from './deps.js';
import { embedAndWrite, type EmbedCheckpoint, type EmbedWriteInput } from './embedWrite.js';
import { moveKbPointer, planKbMove } from './pointers.js';
import { prepareKnowledgeBase, type PrepareKbInput } from './prepare.js';
import { readCorpus, type ReadCorpusInput } from './readCorpus.js';
import { queryKnowledgeBase, readKbLineage, readKnowledgeBase } from './reads.js';
import { measureRetrieval, type MeasureRetrievalInput } from './retrieval.js';
import {
  resolveKbGolden,
  versionKbCorpus,
  versionKbIndex,
  type GoldenInput,
  type VersionCorpusInput,
  type VersionIndexInput,
} from './versioning.js';

export { kbDeps, type KbActivityDeps, type KbSettings } from './deps.js';

/** The W&B project and entity a read names, resolved on the worker (null: W&B off). */
async function targetOf(
  deps: KbActivityDeps,
  input: KbReadInput,
): Promise<WandbTarget | undefined> {
  if (input.wandb === false) return undefined;
  const t = await resolveWandbTarget(deps.wandb, {
    project: input.wandb?.project ?? KB_DEFAULTS.project,
    entity: input.wandb?.entity,
    optional: true,
  });
  return t ?? undefined;
}

/** The knowledge base's activities, bound to the worker's embeddings host, W&B client and folder. */
export function createKnowledgeBaseActivities(deps: KbActivityDeps) {
  return {
    /** The store a run or rollback names (or the worker's default), as history may hold it. */
    resolveKbStore: pulsed((input: { store?: string }) =>
      Promise.resolve(storeRef(input.store ?? deps.defaultStore)),
    ),
    prepareKnowledgeBase: pulsed((input: PrepareKbInput) => prepareKnowledgeBase(deps, input)),
    readCorpus: (input: ReadCorpusInput) =>
      withPulse<Awaited<ReturnType<typeof readCorpus>>, { documents: number }>((pulse) =>
        readCorpus(deps, input, pulse),
      ),
    embedAndWrite: (input: EmbedWriteInput) =>
      withPulse<Awaited<ReturnType<typeof embedAndWrite>>, EmbedCheckpoint>((pulse) =>
        embedAndWrite(deps, input, pulse),
      ),
    checkAndSeal: pulsed((input: CheckSealInput) => checkAndSeal(deps, input)),
    versionKbCorpus: pulsed((input: VersionCorpusInput) => versionKbCorpus(deps, input)),
    versionKbIndex: pulsed((input: VersionIndexInput) => versionKbIndex(deps, input)),
    resolveKbGolden: pulsed((input: GoldenInput) => resolveKbGolden(deps, input)),
    measureKbRetrieval: pulsed((input: MeasureRetrievalInput) => measureRetrieval(deps, input)),
    planKbMove: pulsed((input: KbMoveRequest) => planKbMove(deps, input)),
    moveKbPointer: pulsed((plan: KbMovePlan) => moveKbPointer(deps, plan)),
    cleanUpKbRun: pulsed((input: Parameters<typeof cleanUpKbRun>[1]) => cleanUpKbRun(deps, input)),
    /** `finetune kb resolve` (a standalone activity): what a RAG service opens. */
    readKnowledgeBase: pulsed(async (input: KbReadInput) =>
      readKnowledgeBase(deps, { ...input, target: await targetOf(deps, input) }),
    ),
    /** `finetune kb query`: a question against production or a named version. */
    queryKnowledgeBase: pulsed(async (input: KbQueryInput) =>
      queryKnowledgeBase(deps, { ...input, target: await targetOf(deps, input) }),
    ),
    /** `finetune kb lineage`: index → chunks → documents, gates and promotion, from W&B. */
    readKbLineage: pulsed(async (input: KbReadInput & { version?: string }) => {
      // Lineage is W&B's record: without W&B on the worker this fails, saying how to set it up.
      const target = await resolveWandbTarget(deps.wandb, {
        project: (input.wandb || undefined)?.project ?? KB_DEFAULTS.project,
        entity: (input.wandb || undefined)?.entity,
      });
      return readKbLineage(deps, { kb: input.kb, version: input.version, target: target! });
    }),
  };
}
