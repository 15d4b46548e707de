import { Command } from 'commander';
import { withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';

export function workerCommand(): Command {
  return withTemporalFlags(
    new Command('worker').description(
      'Run a worker: FINETUNE_PROVIDER=openai (OPENAI_API_KEY) or azure (AZURE_OPENAI_ENDPOINT, …); FINETUNE_TASK_QUEUE',
    ),
  ).action(async (f: TemporalFlags) => {
    // The worker (SDK, activities, OpenAI client) is loaded only when this command runs.
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
