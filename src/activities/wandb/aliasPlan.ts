import type { AliasRemoval, VersionMove } from '../../shared/governanceTypes.js';

// Which dataset versions an alias move touches, decided from what the incoming and the outgoing
// production model versions were trained on. Pure: planAliasMove reads W&B, this decides.

/** A dataset version a model version was trained on, with its collection (`train`, `walk-train`). */
export interface TrainedOn {
  role: VersionMove['role'];
  ref: string;
  collection: string;
}

/**
 * The outgoing model's datasets in collections the incoming model gets nothing in: no version
 * there takes the alias over, so it must be taken off (one per collection).
 */
export function collectionsLeftBehind(
  incoming: readonly Pick<VersionMove, 'collection'>[],
  outgoing: readonly TrainedOn[],
): TrainedOn[] {
  const covered = new Set(incoming.map((m) => m.collection));
  const left: TrainedOn[] = [];
  for (const d of outgoing) {
    if (covered.has(d.collection) || left.some((l) => l.collection === d.collection)) continue;
    left.push(d);
  }
  return left;
}

/**
 * Where the alias was for this dataset's role: the outgoing model's dataset of the role, in
 * whatever collection; else whatever held it in the move's own collection.
 */
export function fromOfRole(move: VersionMove, outgoing: readonly TrainedOn[]): string | null {
  return outgoing.find((d) => d.role === move.role)?.ref ?? move.replaced;
}

/** What takes a removed version's place: the incoming dataset of its role, else the model. */
export function removalOf(
  left: TrainedOn,
  holder: { ref: string; id: string },
  moves: readonly VersionMove[],
): AliasRemoval {
  const model = moves.find((m) => m.role === 'model');
  const sameRole = moves.find((m) => m.role === left.role);
  return {
    role: left.role,
    collection: left.collection,
    ref: holder.ref,
    id: holder.id,
    movedTo: sameRole?.ref ?? model?.ref ?? '(none)',
  };
}

/** Nothing to do: every version already holds the alias and none loses it. */
export function isAlreadyThere(
  moves: readonly VersionMove[],
  removals: readonly AliasRemoval[],
): boolean {
  return removals.length === 0 && moves.every((m) => m.replacedId === m.id);
}
