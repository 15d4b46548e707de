// What the compose file must agree with, read from the code itself (not restated by hand).
import type { Command } from 'commander';
import { webhookCommand } from '../../../src/cli/commands/webhook.js';
import { workerCommand } from '../../../src/cli/commands/worker.js';
import type { ComposeExpectations } from './composeChecks.js';
import { CODE_SEARCH_ATTRIBUTES, ROOT } from './projectFacts.js';

export const PROJECT_SERVICES = ['worker', 'webhook'] as const;

const longFlags = (cmd: Command): string[] => [
  '--help',
  ...cmd.options.flatMap((o) => (o.long ? [o.long] : [])),
];

export function projectExpectations(): ComposeExpectations {
  return {
    projectDir: ROOT,
    projectServices: PROJECT_SERVICES,
    searchAttributes: CODE_SEARCH_ATTRIBUTES,
    cliFlags: { worker: longFlags(workerCommand()), webhook: longFlags(webhookCommand()) },
  };
}
