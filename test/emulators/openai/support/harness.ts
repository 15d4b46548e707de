import OpenAI, { toFile } from 'openai';
import { expect } from 'vitest';
import {
  startOpenAIEmulator,
  type OpenAIEmulatorOptions,
  type RunningOpenAIEmulator,
} from '../../../../src/emulators/openai/index.js';
import { AZURE_PROFILE } from './azureShapes.js';
import { ResponseRecorder } from './recorder.js';
import { eventually } from '../../../support/eventually.js';

/** Job phases short enough for unit tests: a whole job in well under a second. */
export const FAST: OpenAIEmulatorOptions = {
  durations: { validatingMs: 60, queuedMs: 60, runningMs: 300, fileProcessingMs: 40 },
  steps: 12,
};

/** The same for the Azure flavour (plus its `pending` phase and quick ARM provisioning). */
export const FAST_AZURE: OpenAIEmulatorOptions = {
  flavor: 'azure',
  durations: { ...FAST.durations, pendingMs: 40 },
  steps: 12,
  azure: { deployments: { creatingMs: 80, notReadyMs: 80 } },
};

export interface TestEmulator {
  emulator: RunningOpenAIEmulator;
  recorder: ResponseRecorder;
  /** The official client on the emulator, no SDK retries (tests that want them ask). */
  client: OpenAI;
  clientWith(options: ConstructorParameters<typeof OpenAI>[0]): OpenAI;
  /** Closes the emulator and fails the test file if any answer broke the OpenAPI shapes. */
  close(): Promise<void>;
}

/**
 * Starts the emulator (either flavour) with every answer recorded and, on close, checked against
 * the flavour's OpenAPI shapes: OpenAI's spec, or Azure's spec-v1 (support/azureShapes.ts).
 */
export async function startTestEmulator(
  options: OpenAIEmulatorOptions = FAST,
): Promise<TestEmulator> {
  const emulator = await startOpenAIEmulator(options);
  const recorder = new ResponseRecorder(emulator.flavor === 'azure' ? AZURE_PROFILE : undefined);
  const baseURL = emulator.baseURL;
  const clientWith = (o: ConstructorParameters<typeof OpenAI>[0]) =>
    recorder.client({ baseURL, apiKey: options.apiKey ?? 'sk-test', ...o });
  return {
    emulator,
    recorder,
    client: clientWith({}),
    clientWith,
    async close() {
      await emulator.close();
      expect(await recorder.conformanceProblems()).toEqual([]);
    },
  };
}

export function chatLine(i: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer tersely.' },
      { role: 'user', content: `What is ${i} + ${i}?` },
      { role: 'assistant', content: String(i + i) },
    ],
  });
}

export function chatJsonl(examples: number): string {
  return `${Array.from({ length: examples }, (_, i) => chatLine(i)).join('\n')}\n`;
}

export async function uploadJsonl(
  client: OpenAI,
  content: string,
  name = 'train.jsonl',
): Promise<OpenAI.Files.FileObject> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(content), name),
    purpose: 'fine-tune',
  });
  return client.files.waitForProcessing(file.id, { pollInterval: 20 });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The one polling helper (test/support/eventually.ts), here for this tier's tests. */
export { eventually };

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Polls a job to a terminal status, returning it and every distinct status seen on the way. */
export async function runToEnd(
  client: OpenAI,
  jobId: string,
): Promise<{ job: OpenAI.FineTuning.FineTuningJob; seen: string[] }> {
  const seen: string[] = [];
  const job = await eventually(`job ${jobId} to finish`, async () => {
    const j = await client.fineTuning.jobs.retrieve(jobId);
    if (seen.at(-1) !== j.status) seen.push(j.status);
    return TERMINAL.has(j.status) ? j : undefined;
  });
  return { job, seen };
}

/** An emulator with a 20-example training file already uploaded: what job tests start from. */
export async function startWithTrainingFile(
  options: OpenAIEmulatorOptions,
): Promise<{ t: TestEmulator; training: string }> {
  const t = await startTestEmulator(options);
  return { t, training: (await uploadJsonl(t.client, chatJsonl(20))).id };
}
