import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  WandbAuthError,
  WandbClient,
  WandbNotFoundError,
  WandbProtocolError,
  WandbTransientError,
  WandbTransport,
} from '../../../src/wandb/index.js';
import { defineOperation } from '../../../src/wandb/transport.js';
import {
  FAST_RETRY,
  json,
  quietLogger,
  startHttpPeer,
  TEST_KEY,
  type HttpPeer,
} from './httpPeer.js';

const Ping = defineOperation('Ping', 'query Ping { ping }', z.object({ ping: z.string() }));

let peer: HttpPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

function transport(
  url: string,
  extra: Partial<ConstructorParameters<typeof WandbTransport>[0]> = {},
): WandbTransport {
  return new WandbTransport({
    apiKey: TEST_KEY,
    baseUrl: url,
    retry: FAST_RETRY,
    logger: quietLogger,
    ...extra,
  });
}

describe('WandbTransport retries', () => {
  it('re-sends the same request after two 5xx answers and returns the third answer', async () => {
    let n = 0;
    peer = await startHttpPeer((_req, res) => {
      n++;
      if (n <= 2) json(res, 503, { error: 'busy' });
      else json(res, 200, { data: { ping: 'pong' } });
    });
    const data = await transport(peer.url).graphql(Ping, { a: 1 });
    expect(data.ping).toBe('pong');
    expect(peer.requests).toHaveLength(3);
    // A real re-send: three requests reached the server with identical bodies.
    expect(new Set(peer.requests.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(peer.requests[0]!.body)).toEqual({
      query: Ping.document,
      variables: { a: 1 },
      operationName: 'Ping',
    });
  });

  it('waits for Retry-After on 429 before re-sending', async () => {
    let n = 0;
    peer = await startHttpPeer((_req, res) => {
      n++;
      if (n === 1) json(res, 429, {}, { 'retry-after': '0.04' });
      else json(res, 200, { data: { ping: 'ok' } });
    });
    const started = Date.now();
    await transport(peer.url, {
      retry: { ...FAST_RETRY, initialDelayMs: 1, maxDelayMs: 1 },
    }).graphql(Ping, {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(peer.requests).toHaveLength(2);
  });

  it('re-sends after the connection drops without an answer', async () => {
    let n = 0;
    peer = await startHttpPeer((_req, res) => {
      n++;
      if (n === 1) res.socket?.destroy();
      else json(res, 200, { data: { ping: 'back' } });
    });
    expect((await transport(peer.url).graphql(Ping, {})).ping).toBe('back');
    expect(peer.requests).toHaveLength(2);
  });

  it('times out a hanging attempt and re-sends', async () => {
    let n = 0;
    peer = await startHttpPeer((_req, res) => {
      n++;
      if (n === 1) return; // never answer
      json(res, 200, { data: { ping: 'late' } });
    });
    const t = transport(peer.url, { timeouts: { graphqlMs: 100 } });
    expect((await t.graphql(Ping, {})).ping).toBe('late');
    expect(peer.requests).toHaveLength(2);
  });

  it('gives up with WandbTransientError after maxAttempts, saying how many', async () => {
    peer = await startHttpPeer((_req, res) => json(res, 502, { error: 'bad gateway' }));
    const err = await transport(peer.url, { retry: { ...FAST_RETRY, maxAttempts: 3 } })
      .graphql(Ping, {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WandbTransientError);
    expect((err as WandbTransientError).attempts).toBe(3);
    expect((err as Error).message).toMatch(/Ping failed with HTTP 502 after 3 attempt/);
    expect(peer.requests).toHaveLength(3);
  });

  it('stops waiting between retries as soon as the caller aborts', async () => {
    peer = await startHttpPeer((_req, res) => json(res, 503, {}));
    const t = transport(peer.url, {
      retry: { ...FAST_RETRY, initialDelayMs: 5_000, maxDelayMs: 5_000 },
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled by test')), 50);
    const started = Date.now();
    await expect(t.graphql(Ping, {}, { signal: ac.signal })).rejects.toThrow('cancelled by test');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(peer.requests).toHaveLength(1);
  });
});

describe('WandbTransport error classification', () => {
  it.each([
    [401, WandbAuthError],
    [403, WandbAuthError],
    [404, WandbNotFoundError],
    [410, WandbNotFoundError],
    [400, WandbProtocolError],
    [422, WandbProtocolError],
  ])('HTTP %i → %o, sent once (never retried)', async (status, errorClass) => {
    peer = await startHttpPeer((_req, res) => json(res, status, { errors: [{ message: 'nope' }] }));
    const err = await transport(peer.url)
      .graphql(Ping, {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect((err as WandbAuthError).status).toBe(status);
    expect((err as Error).message).toContain('nope');
    expect(peer.requests).toHaveLength(1);
  });

  it.each([
    ['permission denied for entity x', WandbAuthError],
    ['project not found', WandbNotFoundError],
    ['run acme/p/r does not exist', WandbNotFoundError],
    ['internal error: database timeout', WandbTransientError],
    ['Cannot query field "foo" on type "Run".', WandbProtocolError],
    ['invalid alias "v3": it is a version name', WandbProtocolError],
  ])('GraphQL error "%s" in a 200 → %o, not retried', async (message, errorClass) => {
    peer = await startHttpPeer((_req, res) =>
      json(res, 200, { data: { ping: 'partial' }, errors: [{ message }] }),
    );
    const err = await transport(peer.url)
      .graphql(Ping, {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect((err as Error).name).toBe(errorClass.name);
    expect(peer.requests).toHaveLength(1);
  });

  it('uses extensions.code when the message says nothing', async () => {
    peer = await startHttpPeer((_req, res) =>
      json(res, 200, { errors: [{ message: 'x', extensions: { code: 'UNAUTHENTICATED' } }] }),
    );
    await expect(transport(peer.url).graphql(Ping, {})).rejects.toBeInstanceOf(WandbAuthError);
  });

  it('reports a response of the wrong shape as WandbProtocolError', async () => {
    peer = await startHttpPeer((_req, res) => json(res, 200, { data: { ping: 42 } }));
    await expect(transport(peer.url).graphql(Ping, {})).rejects.toThrow(/unexpected shape \(ping:/);
  });

  it('reports a non-JSON answer (wrong base URL) as WandbProtocolError', async () => {
    peer = await startHttpPeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>hello</html>');
    });
    await expect(transport(peer.url).graphql(Ping, {})).rejects.toBeInstanceOf(WandbProtocolError);
  });
});

describe('API key handling', () => {
  it('sends Basic api:<key> to its own server only, never to storage URLs', async () => {
    peer = await startHttpPeer((req, res) => {
      if (req.method === 'PUT') res.writeHead(200).end();
      else json(res, 200, { data: { ping: 'x' } });
    });
    const t = transport(`${peer.url}/api`);
    await t.graphql(Ping, {});
    await t.putBlob(`${peer.url}/storage/abc?sig=1`, () => 'bytes', {}, 'blob upload');
    expect(peer.requests[0]!.path).toBe('/api/graphql');
    expect(peer.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`api:${TEST_KEY}`).toString('base64')}`,
    );
    expect(peer.requests[1]!.headers.authorization).toBeUndefined();
    expect(peer.requests[1]!.body).toBe('bytes');
  });

  it('never puts the key in an error message, even when the server echoes it', async () => {
    const basic = Buffer.from(`api:${TEST_KEY}`).toString('base64');
    peer = await startHttpPeer((req, res) =>
      json(res, 500, {
        errors: [
          { message: `bad key ${TEST_KEY} / header ${req.headers.authorization} / ${basic}` },
        ],
      }),
    );
    const err = (await transport(peer.url, { retry: { ...FAST_RETRY, maxAttempts: 1 } })
      .graphql(Ping, {})
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(WandbTransientError);
    const everything = `${err.message} ${err.stack ?? ''} ${inspect(err, { depth: 5 })} ${JSON.stringify(err)}`;
    expect(everything).not.toContain(TEST_KEY);
    expect(everything).not.toContain(basic);
    expect(err.message).toContain('[redacted]');
  });

  it('does not expose the key when a client object is logged or serialised', () => {
    const client = new WandbClient({ apiKey: TEST_KEY, baseUrl: 'http://127.0.0.1:9' });
    const basic = Buffer.from(`api:${TEST_KEY}`).toString('base64');
    for (const text of [inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client)]) {
      expect(text).not.toContain(TEST_KEY);
      expect(text).not.toContain(basic);
    }
  });

  it('refuses to start without a key, with a hint', () => {
    expect(() => new WandbTransport({ apiKey: '' })).toThrow(/WANDB_API_KEY/);
  });
});
