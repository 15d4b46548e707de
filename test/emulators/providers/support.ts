import {
  startOpenAIEmulator,
  type OpenAIEmulatorOptions,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import { azureProvider } from '../../../src/providers/azure/index.js';
import type { OpenAIApiProvider } from '../../../src/providers/openai/index.js';

export const AZURE_KEY = 'azure-test-key';
export const ARM_TOKEN = 'arm-test-token';

/** The Azure flavour with quick phases, and the product's Azure provider pointed at it. */
export async function azureWorld(
  options: OpenAIEmulatorOptions = {},
  provider: { trainingType?: string; deployments?: Record<string, string>; uploads?: boolean } = {},
): Promise<{ emulator: RunningOpenAIEmulator; provider: OpenAIApiProvider }> {
  const emulator = await startOpenAIEmulator({
    flavor: 'azure',
    apiKey: AZURE_KEY,
    durations: {
      pendingMs: 40,
      validatingMs: 60,
      queuedMs: 60,
      runningMs: 300,
      fileProcessingMs: 40,
    },
    steps: 8,
    ...options,
    azure: {
      armToken: ARM_TOKEN,
      deployments: { creatingMs: 150, notReadyMs: 150 },
      ...options.azure,
    },
  });
  return {
    emulator,
    provider: azureProvider({
      endpoint: emulator.url,
      auth: { apiKey: AZURE_KEY },
      trainingType: provider.trainingType ?? 'GlobalStandard',
      arm: {
        baseUrl: emulator.url,
        subscriptionId: 'sub-1',
        resourceGroup: 'rg-1',
        account: 'acct-1',
        location: 'swedencentral',
        apiVersion: '2024-10-01',
        token: () => Promise.resolve(ARM_TOKEN),
      },
      deployment: { pollMs: 50, timeoutMs: 20_000 },
      deployments: provider.deployments,
      uploads: provider.uploads,
    }),
  };
}
