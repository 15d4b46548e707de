import { ApplicationFailure } from '@temporalio/common';
import type { PrunedServing } from '../shared/aliasMoveResults.js';
import type { MoveRecord } from '../shared/governanceTypes.js';
import type { WandbTarget } from '../shared/syncTypes.js';
import { servingCleanupActivities } from './activityOptions.js';
import { rethrowCancellation } from './failures.js';

/**
 * The optional clean-up after a promotion: removes the deployments of earlier versions that no
 * alias points to, keeping the one the new version replaced (the default rollback target). Best
 * effort: what cannot be removed is reported, and the promotion stands.
 */
export async function pruneUnaliasedServing(
  target: WandbTarget,
  replaced: string,
  record: MoveRecord,
): Promise<PrunedServing[]> {
  const inUse = [record.serving?.deployment?.name].filter((n): n is string => !!n);
  let stale;
  try {
    stale = await servingCleanupActivities.listUnaliasedServing({ target, keep: replaced, inUse });
  } catch (err) {
    rethrowCancellation(err);
    return [{ ref: replaced, deployment: '(listing)', removed: false, error: reason(err) }];
  }
  const pruned: PrunedServing[] = [];
  for (const s of stale) {
    const deployment = s.serving.deployment!.name;
    try {
      await servingCleanupActivities.removeServing(s.serving);
      pruned.push({ ref: s.ref, deployment, removed: true });
    } catch (err) {
      rethrowCancellation(err);
      pruned.push({ ref: s.ref, deployment, removed: false, error: reason(err) });
    }
  }
  return pruned;
}

function reason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof ApplicationFailure ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
