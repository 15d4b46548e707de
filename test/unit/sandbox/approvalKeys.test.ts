import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  canListenForKeys,
  listenForDecisionKeys,
  type KeyInput,
} from '../../../src/sandbox/approvalKeys.js';

/** A terminal's stdin as far as the listener sees it. */
class FakeTty extends EventEmitter implements KeyInput {
  isTTY = true;
  raw = false;
  flowing = false;
  setRawMode(raw: boolean) {
    this.raw = raw;
    return this;
  }
  resume() {
    this.flowing = true;
    return this;
  }
  pause() {
    this.flowing = false;
    return this;
  }
  type(text: string) {
    this.emit('data', Buffer.from(text));
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function setup(decide = vi.fn(() => Promise.resolve({}))) {
  const input = new FakeTty();
  const out: string[] = [];
  const onInterrupt = vi.fn();
  const keys = listenForDecisionKeys({
    input,
    by: 'alice',
    decide,
    onInterrupt,
    write: (t) => out.push(t),
  });
  return { input, out, onInterrupt, keys, decide };
}

describe('listenForDecisionKeys', () => {
  it('only offers itself on a terminal that can go raw', () => {
    expect(canListenForKeys(new FakeTty())).toBe(true);
    expect(canListenForKeys(Object.assign(new FakeTty(), { isTTY: false }))).toBe(false);
    const noRaw = new FakeTty() as KeyInput;
    noRaw.setRawMode = undefined;
    expect(canListenForKeys(noRaw)).toBe(false);
  });

  it('a approves as the person, once, then leaves raw mode', async () => {
    const { input, out, keys, decide } = setup();
    expect(input.raw).toBe(true);
    expect(keys.hint).toBe('here: press a to approve as alice, r to reject');
    input.type('x');
    expect(decide).not.toHaveBeenCalled();
    input.type('aa'); // a second press while the first is on its way is ignored
    expect(decide).toHaveBeenCalledTimes(1);
    expect(decide).toHaveBeenCalledWith('approve', {
      by: 'alice',
      comment: 'approved in the finetune sandbox terminal',
    });
    await settle();
    expect(input.raw).toBe(false);
    expect(input.flowing).toBe(false);
    expect(input.listenerCount('data')).toBe(0);
    expect(out.join('')).toContain('approving as alice');
  });

  it('R rejects', async () => {
    const { input, decide } = setup();
    input.type('R');
    expect(decide).toHaveBeenCalledWith('reject', expect.objectContaining({ by: 'alice' }));
    await settle();
    expect(input.raw).toBe(false);
  });

  it('a refused decision is shown and the keys work again', async () => {
    const decide = vi
      .fn()
      .mockRejectedValueOnce(new Error('alice is not an approver'))
      .mockResolvedValueOnce({});
    const { input, out } = setup(decide);
    input.type('a');
    await settle();
    expect(out.join('')).toContain('not taken: alice is not an approver');
    expect(input.raw).toBe(true);
    input.type('r');
    expect(decide).toHaveBeenLastCalledWith('reject', expect.anything());
    await settle();
    expect(input.raw).toBe(false);
  });

  it('Ctrl-C leaves raw mode and passes the interrupt on', () => {
    const { input, onInterrupt, decide } = setup();
    input.type('\u0003a');
    expect(onInterrupt).toHaveBeenCalledTimes(1);
    expect(decide).not.toHaveBeenCalled();
    expect(input.raw).toBe(false);
  });

  it('stop (decided elsewhere) is safe to call twice and ignores later keys', () => {
    const { input, keys, decide } = setup();
    keys.stop();
    keys.stop();
    input.type('a');
    expect(decide).not.toHaveBeenCalled();
    expect(input.raw).toBe(false);
  });
});
