import type { ChunkingConfig, CorpusSummary } from '../../shared/knowledgeBaseTypes.js';
import { resolveChunkStrategy } from '../../workflows/kb/rules.js';
import type { Pulse } from '../pulse.js';
import { readCorpusSummary, writeCorpus, type CorpusParams } from './corpus.js';
import { runDir, type KbActivityDeps } from './deps.js';

export interface ReadCorpusInput {
  kb: string;
  candidateId: string;
  sources: string[];
  chunking?: ChunkingConfig;
}

/**
 * Reads the documents and cuts them into chunks, into the run's folder on this worker; returns
 * counts and digests only. A retried attempt that finds the folder whole keeps it.
 */
export async function readCorpus(
  deps: KbActivityDeps,
  input: ReadCorpusInput,
  pulse: Pulse<{ documents: number }>,
): Promise<CorpusSummary> {
  const dir = runDir(deps, input.kb, input.candidateId);
  const params: CorpusParams = {
    sources: input.sources,
    strategy: resolveChunkStrategy(input.chunking),
  };
  const whole = await readCorpusSummary(dir, params);
  if (whole) return whole;
  return writeCorpus(dir, params, (documents) => {
    if (documents % 500 === 0) pulse.checkpoint({ documents });
  });
}
