// What the compose file must agree with, read from the code itself (not restated by hand).
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { SearchAttributeType } from '@temporalio/common';
import { webhookCommand } from '../../../src/cli/commands/webhook.js';
import { workerCommand } from '../../../src/cli/commands/worker.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/shared/searchAttributes.js';
import type { ComposeExpectations } from './composeChecks.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PROJECT_SERVICES = ['worker', 'webhook'] as const;

/** The SDK's search attribute types, spelled the way the `temporal` CLI takes them. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export const CODE_SEARCH_ATTRIBUTES = ALL_SEARCH_ATTRIBUTES.map((k) => ({
  name: k.name,
  type: CLI_TYPE[k.type],
}));

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
