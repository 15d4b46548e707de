import type { ChunkStrategy, SealedIndex } from '../../shared/knowledgeBaseTypes.js';
import { checkManifest } from '../../vectorStores/index.js';
import { ensureCorpus, readChunks } from './corpus.js';
import { openStore, runDir, type KbActivityDeps } from './deps.js';
import { storeCalling } from './storeErrors.js';

export interface CheckSealInput {
  kb: string;
  store: string;
  candidateId: string;
  dims: number;
  corpus: {
    sources: string[];
    strategy: ChunkStrategy;
    documentsDigest: string;
    chunkSetDigest: string;
  };
}

/**
 * The candidate against the chunk manifest: every id once, none missing, nothing stale. Only a
 * candidate that passes is sealed (its store version id is returned); one that fails is left as
 * it is and the report says what is wrong (counts and a few example ids).
 */
export async function checkAndSeal(
  deps: KbActivityDeps,
  input: CheckSealInput,
): Promise<Partial<SealedIndex> & Pick<SealedIndex, 'check'>> {
  const dir = runDir(deps, input.kb, input.candidateId);
  await ensureCorpus(
    dir,
    { sources: input.corpus.sources, strategy: input.corpus.strategy },
    input.corpus,
  );
  const manifest: string[] = [];
  for await (const c of readChunks(dir)) manifest.push(c.id);
  const store = await openStore(input.store);
  const candidate = await storeCalling(`Opening candidate ${input.candidateId}`, () =>
    store.openCandidate({ kb: input.kb, candidateId: input.candidateId, dims: input.dims }),
  );
  const check = checkManifest(await candidate.listIds(), manifest);
  if (!check.ok) return { check };
  const sealed = await storeCalling(`Sealing candidate ${input.candidateId}`, () =>
    candidate.seal(),
  );
  return { versionId: sealed.versionId, check };
}
