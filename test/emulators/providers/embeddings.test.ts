// The embeddings seam (src/providers/embeddings) through the worker's own providers against the
// emulator: base64 decoded to the same floats the emulator computed, results joined on `index`
// even when the answer comes back shuffled, `dimensions` passed through, and on Azure the
// deployment of AZURE_DEPLOYMENTS sent as `model`.
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIClient } from '../../../src/providers/openaiApi/client.js';
import {
  startOpenAIEmulator,
  type RunningOpenAIEmulator,
} from '../../../src/emulators/openai/index.js';
import { embedText, shorten } from '../../../src/emulators/openai/embeddingVectors.js';
import { embeddingsFromProvider } from '../../../src/providers/embeddings/index.js';
import { openAIProvider } from '../../../src/providers/openai/index.js';
import { deploy } from '../openai/support/arm.js';
import { azureWorld } from './support.js';

let emulator: RunningOpenAIEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const texts = ['refunds take thirty days', 'the store opens at nine', 'refunds and returns'];

describe('embeddings seam', () => {
  it("OpenAI: decodes base64 to the emulator's floats, in input order though the answer is reversed", async () => {
    emulator = await startOpenAIEmulator({ apiKey: 'sk-e', embeddings: { outOfOrder: true } });
    const provider = openAIProvider({
      client: createOpenAIClient({ apiKey: 'sk-e', baseURL: emulator.baseURL }),
    });
    const client = embeddingsFromProvider(provider);
    expect(client.provider).toBe('openai');
    expect(client.deploymentFor('text-embedding-3-small')).toBeUndefined();
    const answer = await client.embed({
      model: 'text-embedding-3-small',
      dimensions: 256,
      inputs: texts,
    });
    expect(answer.vectors).toHaveLength(3);
    texts.forEach((t, i) => {
      const expected = shorten(
        embedText('text-embedding-3-small', 1536, t),
        256,
        'text-embedding-3-small',
        t,
      );
      expect(Array.from(answer.vectors[i]!)).toEqual(Array.from(expected));
    });
    expect(answer.promptTokens).toBeGreaterThan(10);
    expect(emulator.stats().embeddingInputs['text-embedding-3-small']).toBe(3);
  });

  it('Azure: sends the deployment AZURE_DEPLOYMENTS names for the model', async () => {
    const world = await azureWorld(
      {},
      { deployments: { 'text-embedding-3-small': 'embed-small' } },
    );
    emulator = world.emulator;
    await deploy(
      world.emulator,
      'embed-small',
      { name: 'text-embedding-3-small', version: '1', sku: 'Standard' },
      'arm-test-token',
    );
    const client = embeddingsFromProvider(world.provider);
    expect(client.provider).toBe('azure');
    expect(client.deploymentFor('text-embedding-3-small')).toBe('embed-small');
    const answer = await client.embed({
      model: 'text-embedding-3-small',
      inputs: texts.slice(0, 2),
    });
    expect(answer.vectors.map((v) => v.length)).toEqual([1536, 1536]);
    expect(world.emulator.stats().embeddingInputs['embed-small']).toBe(2);
  });
});
