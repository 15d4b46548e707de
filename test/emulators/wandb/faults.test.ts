import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './support/harness.js';

const VIEWER = 'query Viewer { viewer { entity } }';

describe('W&B emulator fault injection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ faults: { rate5xx: 1 } });
  });
  afterAll(() => h.close());

  const status = async () =>
    (
      await fetch(`${h.emu.url}/graphql`, {
        method: 'POST',
        body: JSON.stringify({ query: VIEWER }),
      })
    ).status;

  it('answers 503 at rate 1 from the start-up option, and counts it', async () => {
    expect(await status()).toBe(503);
    expect(h.emu.state.stats().faultsInjected).toBeGreaterThanOrEqual(1);
  });

  it('answers 429 with Retry-After when switched at run time, and recovers when faults are cleared', async () => {
    h.emu.setFaults({ rate429: 1 });
    const res = await fetch(`${h.emu.url}/graphql`, {
      method: 'POST',
      body: JSON.stringify({ query: VIEWER }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    h.emu.setFaults(undefined);
    expect((await h.gql(VIEWER)).data).toEqual({ viewer: { entity: 'sandbox' } });
  });

  it('limits faults to matching paths', async () => {
    h.emu.setFaults({ rate5xx: 1, onlyPaths: /file_stream$/ });
    expect((await h.gql(VIEWER)).data).toEqual({ viewer: { entity: 'sandbox' } });
    await h.upsertRun('sandbox', 'f', 'r');
    expect((await h.stream('sandbox', 'f', 'r', {})).status).toBe(503);
    h.emu.setFaults(undefined);
    expect((await h.stream('sandbox', 'f', 'r', {})).status).toBe(200);
  });

  it('adds latency to matching requests', async () => {
    h.emu.setFaults({ latencyMs: 80, onlyPaths: /^\/graphql$/ });
    const started = Date.now();
    expect((await h.gql(VIEWER)).data).toEqual({ viewer: { entity: 'sandbox' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    h.emu.setFaults(undefined);
  });

  it('leaves state untouched by a request that a fault answered (retries stay idempotent)', async () => {
    await h.upsertRun('sandbox', 'f', 'idem');
    const chunk = { files: { 'wandb-history.jsonl': { offset: 0, content: ['{"_step":1}'] } } };
    h.emu.setFaults({ rate5xx: 1 });
    expect((await h.stream('sandbox', 'f', 'idem', chunk)).status).toBe(503);
    expect(h.emu.state.run('sandbox', 'f', 'idem')?.history).toEqual([]);
    h.emu.setFaults(undefined);
    expect((await h.stream('sandbox', 'f', 'idem', chunk)).status).toBe(200);
    expect(h.emu.state.run('sandbox', 'f', 'idem')?.history).toEqual([{ _step: 1 }]);
  });

  it('handles a request but answers 503 when the response is "lost"; the re-send changes nothing', async () => {
    await h.upsertRun('sandbox', 'f', 'lost');
    const chunk = {
      files: { 'wandb-history.jsonl': { offset: 0, content: ['{"_step":1}', '{"_step":2}'] } },
    };
    h.emu.setFaults({ rate5xxAfterHandling: 1 });
    expect((await h.stream('sandbox', 'f', 'lost', chunk)).status).toBe(503);
    expect(h.emu.state.run('sandbox', 'f', 'lost')?.history).toHaveLength(2);
    h.emu.setFaults(undefined);
    expect((await h.stream('sandbox', 'f', 'lost', chunk)).status).toBe(200);
    expect(h.emu.state.run('sandbox', 'f', 'lost')?.history).toEqual([{ _step: 1 }, { _step: 2 }]);
  });
});
