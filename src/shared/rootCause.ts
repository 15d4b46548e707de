// Workflow-safe. Temporal wraps failures (ActivityFailure → ApplicationFailure, WorkflowFailedError
// → …): the innermost message is the one that says why.
export function rootMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
