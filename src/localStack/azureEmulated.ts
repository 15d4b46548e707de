import type { RunningOpenAIEmulator } from '../emulators/openai/index.js';
import { azureProvider } from '../providers/azure/index.js';
import { ArmClient, DEFAULT_ARM_API_VERSION, type ArmSettings } from '../providers/azure/arm.js';
import type { FineTuneProvider } from '../providers/types.js';

/** The emulated management plane's token when the caller names none (the emulator's, no secret). */
export const LOCAL_ARM_TOKEN = 'arm-local-emulator';

/** The emulated Azure resource's names; any path names the emulator's one account. */
export const EMULATED_ARM = {
  subscriptionId: 'sub-local',
  resourceGroup: 'rg-local',
  account: 'aoai-local',
  location: 'swedencentral',
} as const;

/** The base models (and the grader) get a deployment each, as a real resource would have. */
export const EMULATED_BASE_DEPLOYMENTS: Record<string, string> = {
  'gpt-4.1-mini-2025-04-14': 'gpt-41-mini',
  'gpt-4o-mini-2024-07-18': 'gpt-4o-mini',
};

export interface EmulatedAzureOptions {
  apiKey: string;
  armToken: string;
  trainingType?: string;
  /** How often deployments are polled (short: the emulator provisions in a second or two). */
  pollMs?: number;
}

/**
 * The Azure provider pointed at the emulator's Azure flavour (data plane and management plane on
 * the one local server), with the base-model deployments created the way a real resource has
 * them, so evaluations can call the base model and the grader.
 */
export async function emulatedAzureProvider(
  emulator: RunningOpenAIEmulator,
  o: EmulatedAzureOptions,
): Promise<FineTuneProvider> {
  const arm: ArmSettings = {
    baseUrl: emulator.url,
    ...EMULATED_ARM,
    apiVersion: DEFAULT_ARM_API_VERSION,
    token: () => Promise.resolve(o.armToken),
  };
  const client = new ArmClient(arm);
  for (const [model, name] of Object.entries(EMULATED_BASE_DEPLOYMENTS)) {
    await client.putDeployment(name, {
      sku: { name: 'GlobalStandard', capacity: 100 },
      properties: { model: { format: 'OpenAI', name: model, version: '1' } },
    });
  }
  const deadline = Date.now() + 30_000;
  for (const name of Object.values(EMULATED_BASE_DEPLOYMENTS)) {
    while ((await client.getDeployment(name))?.properties?.provisioningState !== 'Succeeded') {
      if (Date.now() > deadline) throw new Error(`emulated deployment ${name} never became ready`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const provider = azureProvider({
    endpoint: emulator.url,
    auth: { apiKey: o.apiKey },
    trainingType: o.trainingType ?? 'GlobalStandard',
    arm,
    deployment: { pollMs: o.pollMs ?? 250, timeoutMs: 5 * 60_000 },
    deployments: EMULATED_BASE_DEPLOYMENTS,
  });
  // `Succeeded` is not yet "answers": wait out the not-ready window as a real caller must.
  for (const name of Object.values(EMULATED_BASE_DEPLOYMENTS)) {
    for (;;) {
      const ok = await provider.client.chat.completions
        .create({ model: name, messages: [{ role: 'user', content: 'ping' }] }, { maxRetries: 0 })
        .then(
          () => true,
          () => false,
        );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`emulated deployment ${name} never answered`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return provider;
}
