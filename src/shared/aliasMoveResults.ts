// What moving an alias did, as promotion and governance both report it. Workflow-safe; imports
// no other file of src/shared, so the promotion and governance types can both use it.

/** One dataset role's move: the alias is now on `ref`. */
export interface DatasetMoveResult {
  role: string;
  ref: string;
  /** What held the alias in `ref`'s collection (null: nothing did). */
  replaced: string | null;
  /**
   * The version of this role the alias left, in any collection: the outgoing production model's
   * dataset (`walk-train:v0` when `train:v0` takes over). Equal to `ref` when it stays put.
   * Absent in results recorded before it existed; read `replaced` then.
   */
  from?: string | null;
}

/** A dataset version the alias was removed from, and what took its place. */
export interface DatasetRemovalResult {
  role: string;
  ref: string;
  movedTo: string;
}

/** What the optional clean-up after a promotion removed (or could not). */
export interface PrunedServing {
  ref: string;
  deployment: string;
  removed: boolean;
  error?: string;
}
