import { rm } from 'node:fs/promises';
import { VectorStoreError } from '../../vectorStores/index.js';
import { openStore, runDir, type KbActivityDeps } from './deps.js';

/**
 * After a run: its corpus folder goes (the documents and chunks are in W&B and the store; the
 * embedding cache stays), and a rejected candidate is dropped from the store unless something
 * still needs it. Best effort: what cannot be removed is left, and said.
 */
export async function cleanUpKbRun(
  deps: KbActivityDeps,
  input: { kb: string; store: string; candidateId: string; dropCandidate: boolean },
): Promise<{ dropped: boolean; note?: string }> {
  await rm(runDir(deps, input.kb, input.candidateId), { recursive: true, force: true });
  if (!input.dropCandidate) return { dropped: false };
  try {
    await (await openStore(input.store)).dropCandidate(input.kb, input.candidateId);
    return { dropped: true };
  } catch (err) {
    if (err instanceof VectorStoreError) return { dropped: false, note: err.message };
    throw err;
  }
}
