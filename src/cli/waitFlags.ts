import { Option, type Command } from 'commander';

// `--wait` and `--detach` mean the same in every command that starts a workflow:
//   --detach  print the workflow id and return as soon as the workflow is started;
//   --wait    wait until it ends and print its result; exit 2 when it ended failed, cancelled or
//             timed out (exitCodes.ts).
// They exclude each other. Without either, a command does what its help says (start returns once
// the pre-flight passed, sync waits, migrate returns once started).

export interface WaitFlags {
  wait: boolean;
  detach: boolean;
}

/** Adds `--detach` and `--wait`; `what` names the workflow in the help ("the pipeline"). */
export function addWaitFlags(cmd: Command, what: string): Command {
  return cmd
    .addOption(
      new Option('--detach', `print the workflow id and return as soon as ${what} is started`)
        .default(false)
        .conflicts('wait'),
    )
    .addOption(
      new Option('--wait', `wait for ${what} to end and print its result (exit 2 if it failed)`)
        .default(false)
        .conflicts('detach'),
    );
}
