import { Command } from 'commander';
import { ConfigError } from '../../config.js';
import { runWorkerFromEnv } from '../../worker.js';
import { withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

export function workerCommand(): Command {
  return withTemporalFlags(
    new Command('worker').description(
      'Run a worker (needs OPENAI_API_KEY; optional OPENAI_BASE_URL, FINETUNE_TASK_QUEUE)',
    ),
  ).action(async (f: TemporalFlags) => {
    try {
      await runWorkerFromEnv(f);
    } catch (err) {
      if (err instanceof ConfigError) throw new UserError(err.message);
      throw err;
    }
  });
}
