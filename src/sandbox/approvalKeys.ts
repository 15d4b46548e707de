import type { DecisionKind, DecisionRequest } from '../shared/promotionTypes.js';

/** The part of a TTY input stream the key listener uses (process.stdin, or a fake in tests). */
export interface KeyInput {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface DecisionKeysOptions {
  input: KeyInput;
  /** Recorded as the approver. */
  by: string;
  /** Sends the decision; resolves once the pipeline took it, rejects with why it refused. */
  decide(decision: DecisionKind, request: DecisionRequest): Promise<unknown>;
  /** Ctrl-C: raw mode swallows the terminal's SIGINT, so the listener passes it on. */
  onInterrupt(): void;
  write(text: string): void;
}

export interface DecisionKeys {
  /** The line that tells the person which keys do what. */
  readonly hint: string;
  /** Leaves raw mode and stops listening; safe to call twice. */
  stop(): void;
}

const CTRL_C = '\u0003';

/** Whether the in-terminal approval can be offered: a real terminal that can go raw. */
export function canListenForKeys(input: KeyInput): boolean {
  return Boolean(input.isTTY && typeof input.setRawMode === 'function');
}

/**
 * While the pipeline waits for approval: `a` approves and `r` rejects as `by`, Ctrl-C interrupts.
 * One decision at a time; a refused one is shown and the keys work again.
 */
export function listenForDecisionKeys(o: DecisionKeysOptions): DecisionKeys {
  let busy = false;
  let stopped = false;
  const send = (decision: DecisionKind) => {
    busy = true;
    const verb = decision === 'approve' ? 'approving' : 'rejecting';
    o.write(`${verb} as ${o.by}…\n`);
    o.decide(decision, {
      by: o.by,
      comment: `${decision === 'approve' ? 'approved' : 'rejected'} in the finetune sandbox terminal`,
    }).then(
      () => stop(),
      (err: unknown) => {
        busy = false;
        if (!stopped) {
          o.write(
            `not taken: ${err instanceof Error ? err.message : String(err)} (a / r to try again)\n`,
          );
        }
      },
    );
  };
  const onData = (chunk: Buffer | string) => {
    for (const ch of chunk.toString()) {
      if (stopped) return;
      if (ch === CTRL_C) {
        stop();
        o.onInterrupt();
        return;
      }
      if (busy) continue;
      const key = ch.toLowerCase();
      if (key === 'a') send('approve');
      else if (key === 'r') send('reject');
    }
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    o.input.off('data', onData);
    o.input.setRawMode?.(false);
    o.input.pause();
  };
  o.input.setRawMode?.(true);
  o.input.on('data', onData);
  o.input.resume();
  return { hint: `here: press a to approve as ${o.by}, r to reject`, stop };
}
