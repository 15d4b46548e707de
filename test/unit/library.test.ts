import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commandTable.js';
import * as library from '../../src/index.js';

// The library matches the CLI (docs/library.md): each command's work is one exported function, so
// scripts never shell out to `finetune`. A new command fails here until it has its entry.
const LIBRARY_FOR: Record<string, readonly (keyof typeof library)[] | 'dev tool'> = {
  validate: ['validateDatasetFile', 'describeDatasetProblems'],
  start: ['startFineTunePipeline', 'waitForPreflight'],
  status: ['getPipelineStatus'],
  cancel: ['cancelPipeline'],
  approve: ['decidePromotion', 'decideSigned'],
  reject: ['decidePromotion', 'decideSigned'],
  rollback: ['rollback'],
  resolve: ['resolveAlias'],
  lineage: ['traceLineage', 'verifyModelLineage'],
  list: ['listPipelines'],
  migrate: ['startMigration'],
  sync: ['startSync'],
  'schedule-sync': ['upsertSyncSchedule', 'deleteSyncSchedule'],
  worker: ['createFineTuneWorker'],
  webhook: ['startWebhookReceiver'],
  events: ['tailEvents', 'startEventReceiver'],
  kb: [
    'startKnowledgeBaseIngest',
    'getKnowledgeBaseStatus',
    'decideKnowledgeBase',
    'rollBackKnowledgeBase',
    'resolveKnowledgeBase',
    'queryKnowledgeBase',
    'knowledgeBaseLineage',
    'listKnowledgeBaseIngests',
    'openProductionIndex',
  ],
  // Local tools for trying the project, not for scripts that run pipelines.
  emulate: 'dev tool',
  sandbox: 'dev tool',
  'temporal-cli': 'dev tool',
};

describe('the library matches the CLI', () => {
  it('names the library functions of every command', () => {
    expect(Object.keys(LIBRARY_FOR).sort()).toEqual(COMMANDS.map(([name]) => name).sort());
  });

  it('exports each of them from the package as a function', () => {
    const missing = Object.entries(LIBRARY_FOR).flatMap(([command, names]) =>
      names === 'dev tool'
        ? []
        : names.filter((n) => typeof library[n] !== 'function').map((n) => `${command}: ${n}`),
    );
    expect(missing).toEqual([]);
  });
});
