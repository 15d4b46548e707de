import OpenAI from 'openai';
import type { OpenAIEmulatorOptions } from '../../../src/emulators/openai/index.js';
import type { Harness } from './harness.js';
import { TEST_OPENAI_KEY } from './harness.js';

/** The emulated management plane's token (the emulator's, not a secret). */
export const TEST_ARM_TOKEN = 'arm-test-token';

/** The emulator as Azure OpenAI: the harness then gives its worker the Azure provider. */
export const AZURE_HARNESS: OpenAIEmulatorOptions = {
  flavor: 'azure',
  apiKey: TEST_OPENAI_KEY,
  durations: { pendingMs: 200, validatingMs: 300, queuedMs: 300, runningMs: 2500 },
  azure: { armToken: TEST_ARM_TOKEN, deployments: { creatingMs: 300, notReadyMs: 300 } },
};

/** The official client on the emulated Azure data plane, as a caller of a deployment uses it. */
export function azureClientFor(h: Harness): OpenAI {
  return new OpenAI({
    apiKey: TEST_OPENAI_KEY,
    baseURL: `${h.openai.url}/openai/v1`,
    maxRetries: 0,
  });
}

/** What a caller of `model` (a deployment name) gets: one chat answer through the official client. */
export async function answerFrom(h: Harness, model: string): Promise<string | null | undefined> {
  const answer = await azureClientFor(h).chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'The display shows E2.' }],
  });
  return answer.choices[0]?.message.content;
}

/** What a `finetune worker` process needs to train on the harness's emulated Azure resource. */
export function azureWorkerEnv(h: Harness): NodeJS.ProcessEnv {
  return {
    FINETUNE_PROVIDER: 'azure',
    OPENAI_API_KEY: '',
    AZURE_OPENAI_ENDPOINT: h.openai.url,
    AZURE_OPENAI_API_KEY: TEST_OPENAI_KEY,
    AZURE_MANAGEMENT_URL: h.openai.url,
    AZURE_MANAGEMENT_TOKEN: TEST_ARM_TOKEN,
    AZURE_SUBSCRIPTION_ID: 'sub-it',
    AZURE_RESOURCE_GROUP: 'rg-it',
    AZURE_OPENAI_ACCOUNT: 'aoai-it',
    AZURE_LOCATION: 'swedencentral',
    AZURE_DEPLOYMENT_POLL_MS: '200',
  };
}
