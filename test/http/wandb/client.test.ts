import { afterEach, describe, expect, it } from 'vitest';
import { QUICK_WANDB_CALLS } from '../../../src/activities/wandb/deps.js';
import { WandbClient, WandbTransientError } from '../../../src/wandb/index.js';
import {
  FAST_RETRY,
  json,
  quietLogger,
  startHttpPeer,
  TEST_KEY,
  type HttpPeer,
} from './httpPeer.js';

let peer: HttpPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const opName = (body: string): string =>
  (JSON.parse(body) as { operationName: string }).operationName;
const client = (url: string, entity?: string) =>
  new WandbClient({
    apiKey: TEST_KEY,
    baseUrl: url,
    entity,
    retry: { ...FAST_RETRY, maxAttempts: 2 },
    logger: quietLogger,
  });

describe('WandbClient per-instance caches', () => {
  it('asks for the viewer once for concurrent callers and not at all when an entity is configured', async () => {
    peer = await startHttpPeer((_req, res) =>
      json(res, 200, { data: { viewer: { id: 'VXNlcjox', entity: 'alice' } } }),
    );
    const c = client(peer.url);
    expect(await Promise.all([c.defaultEntity(), c.defaultEntity(), c.defaultEntity()])).toEqual([
      'alice',
      'alice',
      'alice',
    ]);
    expect(peer.requests).toHaveLength(1);
    expect(await client(peer.url, 'team').defaultEntity()).toBe('team');
    expect(peer.requests).toHaveLength(1);
  });

  it('does not cache a failed viewer lookup', async () => {
    let n = 0;
    peer = await startHttpPeer((_req, res) => {
      n++;
      if (n <= 2) json(res, 503, {});
      else json(res, 200, { data: { viewer: { id: 'x', entity: 'bob' } } });
    });
    const c = client(peer.url);
    await expect(c.defaultEntity()).rejects.toBeInstanceOf(WandbTransientError);
    expect(await c.defaultEntity()).toBe('bob');
  });

  it('one caller aborting does not fail the others sharing the lookup', async () => {
    peer = await startHttpPeer((_req, res) => {
      setTimeout(() => json(res, 200, { data: { viewer: { id: 'x', entity: 'carol' } } }), 100);
    });
    const c = client(peer.url);
    const ac = new AbortController();
    const cancelled = c.defaultEntity({ signal: ac.signal });
    const other = c.defaultEntity();
    ac.abort(new Error('activity cancelled'));
    await expect(cancelled).rejects.toThrow('activity cancelled');
    expect(await other).toBe('carol');
  });

  it('treats a server without the features query as "no features", but never caches a transient failure', async () => {
    let mode: 'down' | 'unsupported' = 'down';
    peer = await startHttpPeer((req, res) => {
      if (opName(req.body) !== 'ServerFeaturesQuery') return json(res, 404, {});
      if (mode === 'down') return json(res, 503, {});
      return json(res, 200, {
        errors: [{ message: 'Cannot query field "serverInfo" on type "Query".' }],
      });
    });
    const c = client(peer.url);
    await expect(c.serverFeatures()).rejects.toBeInstanceOf(WandbTransientError);
    mode = 'unsupported';
    expect([...(await c.serverFeatures())]).toEqual([]);
  });
});

describe('WandbClient.with: quick calls for best-effort work', () => {
  it('gives up after the quick policy’s two tries where the client itself would keep re-sending; key and entity stay', async () => {
    peer = await startHttpPeer((_req, res) => json(res, 503, {}));
    const patient = new WandbClient({
      apiKey: TEST_KEY,
      baseUrl: peer.url,
      entity: 'team',
      retry: { ...FAST_RETRY, maxAttempts: 5 },
      logger: quietLogger,
    });
    const quick = patient.with(QUICK_WANDB_CALLS);
    await expect(quick.getRun({ project: 'p', runId: 'r' })).rejects.toBeInstanceOf(
      WandbTransientError,
    );
    expect(peer.requests).toHaveLength(2);
    expect(peer.requests.every((r) => r.headers.authorization?.startsWith('Basic '))).toBe(true);
    expect(await quick.defaultEntity()).toBe('team');
    await expect(patient.getRun({ project: 'p', runId: 'r' })).rejects.toBeInstanceOf(
      WandbTransientError,
    );
    expect(peer.requests).toHaveLength(2 + 5);
  });
});
