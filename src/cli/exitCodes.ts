// One table of exit codes for every `finetune` command (docs/operations.md shows the same, and
// `finetune --help` prints it). Commands set codes only through EXIT (test/unit/cli/contract.test.ts).

export const EXIT = {
  /** Done: the command did what it was asked; a pipeline it waited for succeeded or was promoted. */
  ok: 0,
  /** A mistake to fix: a flag, a file, an unknown id, no server or worker, a refused pre-flight. */
  userError: 1,
  /**
   * A workflow the command waited for ended badly: a pipeline without a model in production
   * (failed, cancelled, terminated, timed out, or rejected; the sandbox's too), a sync or a
   * migration that failed.
   */
  ended: 2,
  /** The pipeline waits at `awaiting_approval` for a person (the commands that decide are printed). */
  awaitingDecision: 3,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM; a pipeline it waited for goes on. */
  interrupted: 130,
} as const;

/** For `--help`. */
export const EXIT_CODES_HELP = `
Exit codes:
  0    done (a pipeline waited for succeeded, or was promoted), or still running (status)
  1    a mistake to fix: flags, files, unknown id, no server or worker, a refused pre-flight
  2    the workflow waited for ended badly: a pipeline without a model in production
       (failed, cancelled, terminated, timed out, rejected), a sync or migration that failed
  3    the pipeline waits at awaiting_approval for a person's decision
  130  interrupted (Ctrl-C); the pipeline goes on`;

/** Where a pipeline stands, as an exit code: Temporal's execution status and the pipeline's stage. */
export function pipelineExitCode(execution: string, stage: string | undefined): number {
  if (execution === 'RUNNING')
    return stage === 'awaiting_approval' ? EXIT.awaitingDecision : EXIT.ok;
  if (execution === 'COMPLETED') return stage === 'rejected' ? EXIT.ended : EXIT.ok;
  if (execution === 'CONTINUED_AS_NEW') return EXIT.ok;
  return EXIT.ended; // FAILED, CANCELLED, TERMINATED, TIMED_OUT
}

/**
 * A workflow the command waited for (`--wait`, a sync) ended failed, cancelled, terminated or
 * timed out: its message is printed like a user error's (one line, no stack) and the command
 * exits with EXIT.ended.
 */
export class WorkflowEndedError extends Error {
  override name = 'WorkflowEndedError';
  readonly exitCode = EXIT.ended;
}

/** A pipeline the command waited for ended without a model in production (rejected included). */
export class PipelineEndedError extends WorkflowEndedError {
  override name = 'PipelineEndedError';
}
