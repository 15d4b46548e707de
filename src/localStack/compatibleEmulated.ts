import type { RunningOpenAIEmulator } from '../emulators/openai/index.js';
import { openAICompatibleProvider } from '../providers/openaiCompatible/index.js';
import type { FineTuneProvider } from '../providers/types.js';

/**
 * The openai-compatible profile pointed at the emulator's `openai-compatible` flavour: OpenAI's
 * API at `<url>/v1`, the deployment call at `<url>/v0/models` (the default, from the origin),
 * polled briefly (the emulator validates a model in well under a second).
 */
export function emulatedCompatibleProvider(
  emulator: RunningOpenAIEmulator,
  o: { apiKey: string; pollMs?: number },
): FineTuneProvider {
  return openAICompatibleProvider({
    baseURL: emulator.baseURL,
    apiKey: o.apiKey,
    label: 'the emulated OpenAI-compatible host',
    deploy: { pollMs: o.pollMs ?? 250, timeoutMs: 5 * 60_000 },
  });
}
