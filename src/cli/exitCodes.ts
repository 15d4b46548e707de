// One table of exit codes for every `finetune` command (docs/operations.md shows the same).

export const EXIT = {
  /** Done: the command did what it was asked; a pipeline it waited for succeeded or was promoted. */
  ok: 0,
  /** A mistake to fix: a flag, a file, an unknown id, no server or worker, a refused pre-flight. */
  userError: 1,
  /** The pipeline ended without a model in production: failed, cancelled, terminated, timed out, or rejected. */
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
  2    the pipeline ended without a model in production: failed, cancelled, terminated,
       timed out, or rejected
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
 * A pipeline the command waited for ended badly: its message is printed like a user error's
 * (one line, no stack) and the command exits with EXIT.ended.
 */
export class PipelineEndedError extends Error {
  override name = 'PipelineEndedError';
  readonly exitCode = EXIT.ended;
}
