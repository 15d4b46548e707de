import type { UnaliasedServing } from '../../shared/governanceTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { promotionOf } from './governance.js';
import { fetchVersion, versionRef } from './promotion.js';

/** How far back the clean-up walks the chain of replaced versions. */
const MAX_CHAIN = 25;

/**
 * `vN` and `latest` are W&B's, the job id is the version's own name (set when it was logged);
 * any other alias (production, candidate, a user's) means someone points at the version.
 */
const isOwnAlias = (a: string, jobId: string | undefined): boolean =>
  a === 'latest' || /^v\d+$/.test(a) || a === jobId;

export interface UnaliasedServingInput {
  target: WandbTarget;
  /** The version the new promotion replaced: kept (it is the default rollback target). */
  keep: string;
  /** Deployment names still in use (the new version's, the kept one's): never listed. */
  inUse: string[];
}

/**
 * The deployments of earlier promoted versions that no alias points to any more: the chain of
 * versions each promotion replaced, starting behind `keep`. Read-only; the workflow removes them.
 */
export async function listUnaliasedServing(
  deps: WandbActivityDeps,
  input: UnaliasedServingInput,
): Promise<UnaliasedServing[]> {
  const wandb = requireWandb(deps);
  const inUse = new Set(input.inUse);
  const seen = new Set<string>([input.keep]);
  const found: UnaliasedServing[] = [];
  const kept = await fetchVersion(wandb, input.target, input.keep);
  let next = kept ? promotionOf(kept.metadata)?.replaced : null;
  for (let i = 0; next && !seen.has(next) && i < MAX_CHAIN; i++) {
    seen.add(next);
    const v = await fetchVersion(wandb, input.target, next);
    if (!v) break;
    const facts = promotionOf(v.metadata);
    const deployment = facts?.serving?.deployment;
    if (facts?.serving && deployment && !inUse.has(deployment.name)) {
      if (v.aliases.every((a) => isOwnAlias(a, facts.jobId)))
        found.push({ ref: versionRef(v), serving: facts.serving });
    }
    next = facts?.replaced ?? null;
  }
  return found;
}
