import { Command } from 'commander';
import { providerChoicesText } from '../../providers/registry.js';
import { withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

export function workerCommand(): Command {
  return withTemporalFlags(
    new Command('worker').description(
      `Run a worker: FINETUNE_PROVIDER is one of ${providerChoicesText()}; FINETUNE_TASK_QUEUE (default: the provider's own queue)`,
    ),
  ).action(async (f: TemporalFlags) => {
    // The worker (SDK, activities, the provider's client) is loaded only when this command runs.
    const [{ ConfigError }, { runWorkerFromEnv }] = await Promise.all([
      import('../../config.js'),
      import('../../worker.js'),
    ]);
    try {
      await runWorkerFromEnv(f);
    } catch (err) {
      if (err instanceof ConfigError) throw new UserError(err.message);
      throw err;
    }
  });
}
