import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFineTunePipeline } from '../../src/client/pipeline.js';
import { DEFAULT_WAIT_POLICY } from '../../src/shared/types.js';
import type { awaitFineTuneJob } from '../../src/workflows/awaitFineTuneJob.js';
import { jobProgressQuery, progressQuery } from '../../src/workflows/definitions.js';
import { eventually, startHarness, type Harness } from './support/harness.js';
import { sampleInput } from './support/pipelineInput.js';

/** Signs like OpenAI (Standard Webhooks): HMAC-SHA256 over `id.timestamp.body`. */
function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

/** The body OpenAI sends when a job succeeds. */
function succeededEvent(id: string, jobId: string, now: number): string {
  return JSON.stringify({
    id,
    object: 'event',
    type: 'fine_tuning.job.succeeded',
    created_at: now,
    data: { id: jobId },
  });
}

describe('webhook receiver against forged, stale and replayed deliveries', () => {
  let h: Harness;
  beforeAll(async () => {
    // Webhooks from the emulator are off: every delivery here is hand-made.
    h = await startHarness({ durations: { validatingMs: 200, queuedMs: 200, runningMs: 60_000 } });
    h.openai.setWebhook(undefined);
    await h.startWorker();
  });
  afterAll(() => h?.close());

  /** A pipeline whose wait has polled its job once and sleeps for a minute or more. */
  async function parkedPipeline() {
    const started = await startFineTunePipeline(
      h.client,
      sampleInput({ minPollMs: 60_000, maxPollMs: 120_000 }),
      { taskQueue: h.taskQueue },
    );
    const waitId = await eventually('the wait to start', async () => {
      const p = await started.handle.query(progressQuery).catch(() => undefined);
      return p?.waitWorkflowId;
    });
    const waitHandle = h.client.workflow.getHandle(waitId);
    const jobId = await eventually('the job to be waited on', async () => {
      const p = await waitHandle.query(jobProgressQuery).catch(() => undefined);
      return p?.last ? p.jobId : undefined;
    });
    return { started, waitHandle, jobId };
  }

  it('signals nothing for a forged or stale delivery, and once for a replayed one', async () => {
    const { started, waitHandle, jobId } = await parkedPipeline();
    const wakeupsBefore = (await waitHandle.query(jobProgressQuery)).wakeups;
    const now = Math.floor(Date.now() / 1000);
    const body = succeededEvent('evt_test1', jobId, now);

    const forged = await post(h.receiver.url, body, {
      'webhook-id': 'wh_forged',
      'webhook-timestamp': String(now),
      'webhook-signature': sign(
        `whsec_${Buffer.from('not-the-secret').toString('base64')}`,
        'wh_forged',
        now,
        body,
      ),
    });
    expect(forged.status).toBe(400);

    const tampered = await post(h.receiver.url, body.replace('succeeded', 'failed'), {
      'webhook-id': 'wh_tampered',
      'webhook-timestamp': String(now),
      'webhook-signature': sign(h.webhookSecret, 'wh_tampered', now, body),
    });
    expect(tampered.status).toBe(400);

    const staleTs = now - 3600;
    const stale = await post(h.receiver.url, body, {
      'webhook-id': 'wh_stale',
      'webhook-timestamp': String(staleTs),
      'webhook-signature': sign(h.webhookSecret, 'wh_stale', staleTs, body),
    });
    expect(stale.status).toBe(400);

    const missing = await post(h.receiver.url, body, { 'webhook-id': 'wh_nosig' });
    expect(missing.status).toBe(400);
    expect(h.receiver.stats.signalled).toBe(0);
    expect((await waitHandle.query(jobProgressQuery)).wakeups).toBe(wakeupsBefore);

    const headers = {
      'webhook-id': 'wh_genuine',
      'webhook-timestamp': String(now),
      'webhook-signature': sign(h.webhookSecret, 'wh_genuine', now, body),
    };
    const genuine = await post(h.receiver.url, body, headers);
    expect(genuine.status).toBe(200);
    expect(genuine.json.signalled).toBe(1);
    const replayed = await post(h.receiver.url, body, headers);
    expect(replayed.status).toBe(200);
    expect(replayed.json.duplicate).toBe(true);
    expect(h.receiver.stats.signalled).toBe(1);

    await eventually('the genuine wake-up to be counted', async () => {
      const p = await waitHandle.query(jobProgressQuery);
      return p.wakeups === wakeupsBefore + 1 ? true : undefined;
    });
    // A genuine webhook only wakes the workflow: it re-reads the job, which is still running.
    const after = await waitHandle.query(jobProgressQuery);
    expect(after.last?.status).not.toBe('succeeded');
    await started.handle.cancel();
  });

  it("answers once each pipeline's own wait is signalled, and wakes the jobs' other waits (syncs) with one look-up", async () => {
    const parked = [await parkedPipeline(), await parkedPipeline()];
    // What `finetune sync` of a job in flight starts: a wait of its own, not named after the job.
    const syncs = await Promise.all(
      parked.map(({ jobId }) =>
        h.client.workflow.start<typeof awaitFineTuneJob>('awaitFineTuneJob', {
          args: [
            { jobId, policy: { ...DEFAULT_WAIT_POLICY, minPollMs: 60_000, maxPollMs: 120_000 } },
          ],
          taskQueue: h.taskQueue,
          workflowId: `sync-of-${jobId}/job`,
        }),
      ),
    );
    await eventually('the syncs in visibility', async () => {
      const ids = parked.map((p) => `'${p.jobId}'`).join(', ');
      const query = `WorkflowType = 'awaitFineTuneJob' AND FineTuneJobId IN (${ids}) AND ExecutionStatus = 'Running'`;
      const { count } = await h.client.workflow.count(query);
      return count === 4 ? true : undefined;
    });
    const wakeups = (handle: { query: (typeof syncs)[number]['query'] }) =>
      handle.query(jobProgressQuery).then((p) => p.wakeups);
    const syncsBefore = await Promise.all(syncs.map(wakeups));
    const ownBefore = await Promise.all(parked.map((p) => wakeups(p.waitHandle)));
    const { signalledInBackground, backgroundLookups } = h.receiver.stats;

    const now = Math.floor(Date.now() / 1000);
    // Both at once: the receiver gathers what arrives within its 2 s window into one look-up, and
    // two posts one after the other can straddle it on a loaded machine.
    const answers = await Promise.all(
      parked.map(({ jobId }, i) => {
        const body = succeededEvent(`evt_fanout_${i}`, jobId, now);
        return post(h.receiver.url, body, {
          'webhook-id': `wh_fanout_${i}`,
          'webhook-timestamp': String(now),
          'webhook-signature': sign(h.webhookSecret, `wh_fanout_${i}`, now, body),
        });
      }),
    );
    for (const res of answers) {
      // Answered after the direct signal alone: the look-up for the sync comes after.
      expect(res.status).toBe(200);
      expect(res.json.signalled).toBe(1);
    }
    await h.receiver.fanOutSettled();
    // Both deliveries in one query; each sync signalled with its own job's event.
    expect(h.receiver.stats.backgroundLookups).toBe(backgroundLookups + 1);
    expect(h.receiver.stats.signalledInBackground).toBe(signalledInBackground + 2);
    await eventually('each sync to be woken once', async () => {
      const now = await Promise.all(syncs.map(wakeups));
      return now.every((w, i) => w === syncsBefore[i]! + 1) ? true : undefined;
    });
    // The pipelines' own waits were left out of the look-up: woken once, by the direct signal.
    expect(await Promise.all(parked.map((p) => wakeups(p.waitHandle)))).toEqual(
      ownBefore.map((w) => w + 1),
    );
    await Promise.all(syncs.map((s) => s.terminate('test over')));
    await Promise.all(parked.map((p) => p.started.handle.cancel()));
  });
});
