import { randomBytes } from 'node:crypto';
import { startEventReceiver, type ReceivedEvent, type RunningEventReceiver } from './receiver.js';

export interface TailEventsOptions {
  /** The secret the worker signs with; a fresh one when omitted (then set it on the worker). */
  secret?: string;
  host?: string;
  /** Default 8788; 0 = any free port. */
  port?: number;
  path?: string;
  onEvent: (event: ReceivedEvent) => void;
  onRejected?: (reason: string) => void;
}

export interface TailingEvents extends RunningEventReceiver {
  secret: string;
  /** What to set in the worker's environment so its events come here. */
  workerEnv: { FINETUNE_EVENTS_URL: string; FINETUNE_EVENTS_SECRET: string };
}

/** A fresh Standard Webhooks signing secret (`whsec_` + 32 random bytes, base64). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * `finetune events tail` as a library call: a local receiver that verifies each event and hands it
 * on, for trying events out (or as the start of a receiver of one's own).
 */
export async function tailEvents(opts: TailEventsOptions): Promise<TailingEvents> {
  const secret = opts.secret ?? newSigningSecret();
  const receiver = await startEventReceiver({
    secret,
    host: opts.host,
    port: opts.port ?? 8788,
    path: opts.path,
    onEvent: opts.onEvent,
    onRejected: opts.onRejected,
  });
  return Object.assign(receiver, {
    secret,
    workerEnv: { FINETUNE_EVENTS_URL: receiver.url, FINETUNE_EVENTS_SECRET: secret },
  });
}
