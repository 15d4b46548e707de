import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleToFile } from '../support/bundle.js';
import { expectSdkLogs, installTestSdkLogs } from '../support/sdkLogs.js';
import { loadFixtures } from './support/histories.js';

const fixtures = loadFixtures();

describe('replay of committed workflow histories', () => {
  let options: ReplayWorkerOptions;
  beforeAll(async () => {
    installTestSdkLogs();
    options = { workflowBundle: { codePath: await bundleToFile() } };
  });

  it('has fixtures for every workflow type', () => {
    const types = new Set(fixtures.map((f) => f.name.split('/')[0]));
    expect(types).toEqual(
      new Set([
        'fineTunePipeline',
        'awaitFineTuneJob',
        'syncFineTune',
        'syncFineTunes',
        'moveModelAlias',
        'rollbackPromotion',
        'resolveModelAlias',
        'traceModelLineage',
        'deliverEvent',
        'migrateModel',
        'knowledgeBasePipeline',
        'moveKbProduction',
        'rollbackKnowledgeBase',
      ]),
    );
  });

  it.each(fixtures.map((f) => [f.name, f] as const))(
    '%s replays deterministically',
    async (_n, f) => {
      await Worker.runReplayHistory(options, f.history, f.workflowId);
    },
  );

  it('catches a changed workflow (negative control)', async () => {
    const f = fixtures.find((x) => x.name === 'fineTunePipeline/succeeded.json')!;
    const mutated = structuredClone(f.history);
    // Pretend the recorded run scheduled a different activity first: the code no longer matches.
    const scheduled = mutated.events.find(
      (e) =>
        e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' ||
        e.eventType === 'ActivityTaskScheduled',
    );
    expect(scheduled).toBeDefined();
    const attrs = scheduled!.activityTaskScheduledEventAttributes as {
      activityType: { name: string };
    };
    attrs.activityType.name = 'somethingElse';
    // Core reports the failing workflow task as a warning: here it is what the test wants.
    const done = expectSdkLogs((message, meta) =>
      /\[TMPRL1100\] Nondeterminism error/.test(`${message} ${JSON.stringify(meta ?? {})}`),
    );
    try {
      await expect(Worker.runReplayHistory(options, mutated, f.workflowId)).rejects.toBeInstanceOf(
        DeterminismViolationError,
      );
    } finally {
      done();
    }
  });
});
