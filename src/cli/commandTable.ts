import type { Command } from 'commander';

// Commands are loaded on demand: `finetune worker` loads the worker's modules and nothing of the
// sandbox, the emulators (fastify, GraphQL, multipart) or the promotion clients, and starts faster
// for it. Only `finetune`, `finetune --help` and an unknown command load every definition (to
// list them, or to suggest the closest name).
export type CommandLoader = () => Promise<Command>;

export const COMMANDS: readonly (readonly [name: string, load: CommandLoader])[] = [
  ['validate', async () => (await import('./commands/validate.js')).validateCommand()],
  ['start', async () => (await import('./commands/start.js')).startCommand()],
  ['status', async () => (await import('./commands/status.js')).statusCommand()],
  ['cancel', async () => (await import('./commands/cancel.js')).cancelCommand()],
  ['approve', async () => (await import('./commands/decide.js')).approveCommand()],
  ['reject', async () => (await import('./commands/decide.js')).rejectCommand()],
  ['rollback', async () => (await import('./commands/rollback.js')).rollbackCommand()],
  ['resolve', async () => (await import('./commands/resolve.js')).resolveCommand()],
  ['lineage', async () => (await import('./commands/lineage.js')).lineageCommand()],
  ['list', async () => (await import('./commands/list.js')).listCommand()],
  ['migrate', async () => (await import('./commands/migrate.js')).migrateCommand()],
  ['kb', async () => (await import('./commands/kb.js')).kbCommand()],
  ['sync', async () => (await import('./commands/sync.js')).syncCommand()],
  ['schedule-sync', async () => (await import('./commands/scheduleSync.js')).scheduleSyncCommand()],
  ['worker', async () => (await import('./commands/worker.js')).workerCommand()],
  ['webhook', async () => (await import('./commands/webhook.js')).webhookCommand()],
  ['events', async () => (await import('./commands/events.js')).eventsCommand()],
  ['emulate', async () => (await import('./commands/emulate.js')).emulateCommand()],
  ['sandbox', async () => (await import('./commands/sandbox.js')).sandboxCommand()],
  ['temporal-cli', async () => (await import('./commands/temporalCli.js')).temporalCliCommand()],
];
