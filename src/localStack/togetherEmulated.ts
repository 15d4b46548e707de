import type { RunningTogetherEmulator } from '../emulators/together/index.js';
import { togetherProvider } from '../providers/together/index.js';
import type { FineTuneProvider } from '../providers/types.js';

/** The emulator's key when the caller names none (the emulator's, no secret). */
export const LOCAL_TOGETHER_KEY = 'together-local-emulator';

/**
 * The Together provider pointed at the emulator (v1, v2 and chat on the one local server), with
 * endpoint states polled often: the emulator starts an endpoint in seconds, not minutes.
 */
export function emulatedTogetherProvider(
  emulator: RunningTogetherEmulator,
  o: { apiKey: string; pollMs?: number; relistDelayMs?: number },
): FineTuneProvider {
  return togetherProvider({
    apiKey: o.apiKey,
    baseURL: emulator.baseURL,
    projectId: emulator.identity.projectId,
    endpoints: { pollMs: o.pollMs ?? 200 },
    relistDelayMs: o.relistDelayMs ?? 200,
  });
}
