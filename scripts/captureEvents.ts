// Replay fixtures for outgoing events (the outgoing-events patch's new branch, and deliverEvent).
// Run by scripts/capture-histories.ts (`npm run capture:histories -- --only=events`), whose worker
// then sends its events to `eventsCaptureConfig`'s endpoints: a receiver here, and one that is down.
import type { WorkflowHandle } from '@temporalio/client';
import { startFineTunePipeline } from '../src/client/pipeline.js';
import { rollback } from '../src/client/promotion.js';
import { parseEventsConfig, type EventsConfig } from '../src/events/config.js';
import { startEventReceiver, type RunningEventReceiver } from '../src/events/receiver.js';
import type { LocalStack } from '../src/localStack/index.js';
import { decidePromotionUpdate, progressQuery } from '../src/workflows/definitions.js';
import { eventIdFor } from '../src/workflows/eventIds.js';
import { sampleInput } from '../test/integration/support/pipelineInput.js';

type Save = (type: string, scenario: string, workflowId: string) => void;

const fast = { minPollMs: 300, maxPollMs: 2000 };
const SECRET = `whsec_${Buffer.from('capture-events-secret-0123456789').toString('base64')}`;

/** A receiver that answers, and an endpoint nobody listens on (given up after 5 s). */
export async function eventsCaptureConfig(): Promise<{
  config: EventsConfig;
  receiver: RunningEventReceiver;
}> {
  const receiver = await startEventReceiver({ secret: SECRET });
  const config = parseEventsConfig(
    {
      uiUrl: 'http://localhost:8233',
      endpoints: [
        { name: 'receiver', url: receiver.url, secret: SECRET },
        {
          name: 'down',
          url: 'http://127.0.0.1:9/events',
          secret: SECRET,
          events: ['promotion.completed'],
          giveUpAfterSeconds: 5,
        },
      ],
    },
    'capture',
  );
  return { config, receiver };
}

async function settle(h: WorkflowHandle): Promise<void> {
  await h.result().catch(() => undefined);
}

export async function captureEvents(stack: LocalStack, save: Save): Promise<void> {
  const client = stack.client;
  const project = 'events';
  const approved = await startFineTunePipeline(
    client,
    sampleInput(fast, {
      suffix: 'events',
      wandb: { project },
      promotion: { gates: { eval: 'off', drift: 'off' } },
    }),
    { taskQueue: 'capture', workflowId: 'replay-events-approved' },
  );
  for (;;) {
    const p = await approved.handle.query(progressQuery).catch(() => undefined);
    if (p?.stage === 'awaiting_approval' && p.events?.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await approved.handle.executeUpdate(decidePromotionUpdate, {
    args: [{ decision: 'approve', by: 'alice', comment: 'capture' }],
  });
  await settle(approved.handle);
  save('fineTunePipeline', 'events-approved', approved.workflowId);
  const runId = (await approved.handle.describe()).runId;
  const promoted = eventIdFor(approved.workflowId, runId, 'promotion.completed');
  await client.workflow.getHandle(promoted).result();
  save('deliverEvent', 'delivered-and-dead', promoted);

  const failed = await startFineTunePipeline(client, sampleInput(fast, { suffix: 'fail-me' }), {
    taskQueue: 'capture',
    workflowId: 'replay-events-job-failed',
  });
  await settle(failed.handle);
  save('fineTunePipeline', 'events-job-failed', failed.workflowId);

  await rollback(
    client,
    {
      project,
      collection: 'model-metadata',
      alias: 'production',
      to: 'v0',
      by: 'ops',
      reason: 'capture',
    },
    { taskQueue: 'capture', workflowId: 'replay-events-rollback' },
  );
  save('rollbackPromotion', 'events-rolled-back', 'replay-events-rollback');
}
