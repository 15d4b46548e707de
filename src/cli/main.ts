import { Command } from 'commander';
import { cancelCommand } from './commands/cancel.js';
import { approveCommand, rejectCommand } from './commands/decide.js';
import { lineageCommand } from './commands/lineage.js';
import { resolveCommand } from './commands/resolve.js';
import { rollbackCommand } from './commands/rollback.js';
import { emulateCommand } from './commands/emulate.js';
import { listCommand } from './commands/list.js';
import { sandboxCommand } from './commands/sandbox.js';
import { scheduleSyncCommand } from './commands/scheduleSync.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { syncCommand } from './commands/sync.js';
import { temporalCliCommand } from './commands/temporalCli.js';
import { webhookCommand } from './commands/webhook.js';
import { workerCommand } from './commands/worker.js';
import { UserError } from './userError.js';

const program = new Command('finetune')
  .description('OpenAI fine-tuning as durable Temporal workflows')
  .showHelpAfterError()
  .addCommand(startCommand())
  .addCommand(statusCommand())
  .addCommand(cancelCommand())
  .addCommand(approveCommand())
  .addCommand(rejectCommand())
  .addCommand(rollbackCommand())
  .addCommand(resolveCommand())
  .addCommand(lineageCommand())
  .addCommand(listCommand())
  .addCommand(syncCommand())
  .addCommand(scheduleSyncCommand())
  .addCommand(workerCommand())
  .addCommand(webhookCommand())
  .addCommand(emulateCommand())
  .addCommand(sandboxCommand())
  .addCommand(temporalCliCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors a person can fix are printed plainly; anything else keeps its stack for a bug report.
  if (err instanceof UserError) {
    process.stderr.write(`error: ${err.message}\n`);
  } else {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exitCode = 1;
}
