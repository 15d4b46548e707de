import type { Command } from 'commander';
import { SYNC_DEFAULTS } from '../shared/syncTypes.js';
import { TASK_QUEUE } from '../shared/types.js';

export interface WandbFlags {
  project: string;
  entity?: string;
  collection: string;
  taskQueue: string;
}

/** Where the governance commands look in W&B, and which worker queue runs them. */
export function withWandbFlags(cmd: Command): Command {
  return cmd
    .option('--project <name>', 'W&B project', SYNC_DEFAULTS.project)
    .option('--entity <name>', "W&B entity (default: the worker key's default entity)")
    .option('--collection <name>', 'model artifact collection', SYNC_DEFAULTS.modelArtifactName)
    .option('--task-queue <name>', 'task queue of the worker', TASK_QUEUE);
}
