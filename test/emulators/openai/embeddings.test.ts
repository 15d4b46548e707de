// `POST /v1/embeddings` through the official client (`client.embeddings.create`): answers and
// requests checked against OpenAI's API description, deterministic vectors that keep lexical
// similarity, `dimensions` and `encoding_format`, the three input forms, the limits with the
// API's error shapes, and the usual faults. Then the Azure flavour, where `model` is a deployment.
import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, arm, deploy, deploymentBody } from './support/arm.js';
import { embeddingViolations } from './support/embeddingShapes.js';
import { eventually } from '../../support/eventually.js';
import { FAST, FAST_AZURE, startTestEmulator, type TestEmulator } from './support/harness.js';

const tokenizer = new Tiktoken(cl100k);

/** Every request body the client sent and the status it got, to check against the schema. */
const sent: { body: unknown; status: number }[] = [];
function recordingClient(t: TestEmulator, options: ConstructorParameters<typeof OpenAI>[0] = {}) {
  return new OpenAI({
    baseURL: t.emulator.baseURL,
    apiKey: 'sk-test',
    maxRetries: 0,
    ...options,
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const response = await t.recorder.fetch(input, init);
      if (typeof init?.body === 'string') {
        sent.push({ body: JSON.parse(init.body), status: response.status });
      }
      return response;
    },
  });
}

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: number[], b: number[]): number =>
  a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0) / (norm(a) * norm(b));

async function apiError(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof OpenAI.APIError) return err;
    throw err;
  }
  throw new Error('expected an API error');
}

describe('OpenAI /v1/embeddings', () => {
  let t: TestEmulator;
  let client: OpenAI;
  beforeAll(async () => {
    t = await startTestEmulator({ ...FAST, seed: 3 });
    client = recordingClient(t);
  });
  afterEach(() => t.emulator.setFaults(undefined));
  afterAll(async () => {
    await t.close(); // every answer checked against the OpenAPI shapes
    // Both ways: what the emulator accepted conforms to CreateEmbeddingRequest, and what the
    // schema refuses the emulator refused (it refuses more: empty strings, limits, models).
    const accepted = sent.filter((r) => r.status === 200);
    expect(accepted.length).toBeGreaterThan(10);
    for (const r of accepted) {
      expect(embeddingViolations('CreateEmbeddingRequest', r.body)).toEqual([]);
    }
    const offSchema = sent.filter(
      (r) => embeddingViolations('CreateEmbeddingRequest', r.body).length,
    );
    expect(offSchema.length).toBeGreaterThanOrEqual(4);
    expect(offSchema.map((r) => r.status)).toEqual(offSchema.map(() => 400));
  });

  const embed = async (
    input: string | string[] | number[] | number[][],
    extra: Partial<OpenAI.EmbeddingCreateParams> = {},
  ) => client.embeddings.create({ model: 'text-embedding-3-small', input, ...extra });

  it('answers unit vectors of the model size, with usage in cl100k_base tokens', async () => {
    const text = 'How do I reset my password?';
    const r = await embed(text);
    expect(r).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
    expect(r.data).toHaveLength(1);
    expect(r.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(r.data[0]!.embedding).toHaveLength(1536);
    expect(norm(r.data[0]!.embedding)).toBeCloseTo(1, 5);
    const tokens = tokenizer.encode(text).length;
    expect(r.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(
      (await client.embeddings.create({ model: 'text-embedding-3-large', input: text })).data[0]!
        .embedding,
    ).toHaveLength(3072);
    const ada = await client.embeddings.create({ model: 'text-embedding-ada-002', input: text });
    expect(ada.model).toBe('text-embedding-ada-002-v2'); // as the real service names it
    expect(ada.data[0]!.embedding).toHaveLength(1536);
  });

  it('is deterministic, and base64 (the client default) carries the same numbers as float', async () => {
    const text = 'Invoices are emailed on the first day of each month.';
    const viaBase64 = (await embed(text)).data[0]!.embedding; // openai-node asks for base64
    const viaFloat = (await embed(text, { encoding_format: 'float' })).data[0]!.embedding;
    expect(viaFloat).toEqual(viaBase64);
    const other = await startTestEmulator({ ...FAST, seed: 99 });
    try {
      const again = await other.client.embeddings.create({
        model: 'text-embedding-3-small',
        input: text,
      });
      expect(again.data[0]!.embedding).toEqual(viaFloat); // another emulator, another seed
    } finally {
      await other.close();
    }
    const raw = await fetch(`${t.emulator.baseURL}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'text-embedding-3-small',
        input: text,
        encoding_format: 'base64',
      }),
    });
    const body = (await raw.json()) as { data: { embedding: string }[] };
    const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
    expect(bytes.length).toBe(1536 * 4);
    expect(bytes.readFloatLE(0)).toBe(viaFloat[0]);
  });

  it('keeps lexical similarity: each question is nearest to the passage that shares its words', async () => {
    const passages = [
      'To reset your password, open account settings and choose reset password.',
      'Invoices are emailed on the first day of each month; billing questions go to finance.',
      'The office is closed on public holidays and weekends.',
      'Export your data as CSV from the reports page.',
    ];
    const questions = [
      'how can I reset a forgotten password',
      'when are invoices emailed for billing',
      'is the office closed on holidays',
      'export reports to csv',
    ];
    const p = (await embed(passages)).data.map((d) => d.embedding);
    const q = (await embed(questions)).data.map((d) => d.embedding);
    q.forEach((qv, i) => {
      const scores = p.map((pv) => cosine(qv, pv));
      expect(scores.indexOf(Math.max(...scores))).toBe(i);
      expect(scores[i]).toBeGreaterThan(0.3);
      for (const [j, s] of scores.entries()) if (j !== i) expect(s).toBeLessThan(scores[i]! - 0.15);
    });
    // Word pieces count too: an inflection is closer than an unrelated word.
    const [a, b, c] = (
      await embed(['resetting passwords', 'reset password', 'holiday schedule'])
    ).data.map((d) => d.embedding);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2);
  });

  it('honours dimensions on text-embedding-3 (a renormalised prefix) and refuses it on ada-002', async () => {
    const text = 'Shortened embeddings keep their meaning.';
    const full = (await embed(text, { encoding_format: 'float' })).data[0]!.embedding;
    const short = (await embed(text, { dimensions: 256, encoding_format: 'float' })).data[0]!
      .embedding;
    expect(short).toHaveLength(256);
    expect(norm(short)).toBeCloseTo(1, 5);
    const head = full.slice(0, 256);
    const scale = norm(head);
    short.forEach((x, i) => expect(x).toBeCloseTo(head[i]! / scale, 6));

    // Even a one- or two-number embedding of a one-letter text is a unit vector, never zeros.
    for (const dimensions of [1, 2]) {
      const [tiny] = (await embed('a', { dimensions, encoding_format: 'float' })).data;
      expect(tiny!.embedding).toHaveLength(dimensions);
      expect(norm(tiny!.embedding)).toBeCloseTo(1, 5);
    }

    const ada = await apiError(
      client.embeddings.create({ model: 'text-embedding-ada-002', input: text, dimensions: 512 }),
    );
    expect(ada.status).toBe(400);
    expect(ada.error).toEqual({
      message: 'This model does not support specifying dimensions.',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    const tooMany = await apiError(embed(text, { dimensions: 1537 }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.param).toBe('dimensions');
    expect((await apiError(embed(text, { dimensions: 0 }))).param).toBe('dimensions');
  });

  it('takes a string, an array of strings, a token array and an array of token arrays alike', async () => {
    const texts = ['alpha beta gamma', 'delta epsilon'];
    const tokens = texts.map((s) => tokenizer.encode(s));
    const asStrings = await embed(texts, { encoding_format: 'float' });
    expect(asStrings.data.map((d) => d.index)).toEqual([0, 1]);
    const asTokenArrays = await embed(tokens, { encoding_format: 'float' });
    expect(asTokenArrays.data.map((d) => d.embedding)).toEqual(
      asStrings.data.map((d) => d.embedding),
    );
    const oneTokenArray = await embed(tokens[0]!, { encoding_format: 'float' });
    expect(oneTokenArray.data[0]!.embedding).toEqual(asStrings.data[0]!.embedding);
    expect(asTokenArrays.usage.prompt_tokens).toBe(tokens[0]!.length + tokens[1]!.length);
    expect(asStrings.usage).toEqual(asTokenArrays.usage);
  });

  it('refuses what the API refuses, in its error shapes', async () => {
    const invalidInput = {
      message:
        "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      type: 'invalid_request_error',
      param: null,
      code: null,
    };
    expect((await apiError(embed(''))).error).toEqual(invalidInput);
    expect((await apiError(embed(['fine', '']))).error).toEqual(invalidInput);
    expect((await apiError(embed([]))).error).toEqual(invalidInput);
    const tooMany = await apiError(embed(Array.from({ length: 2049 }, (_, i) => `text ${i}`)));
    expect([tooMany.status, tooMany.error]).toEqual([400, invalidInput]);
    expect((await embed(Array.from({ length: 2048 }, (_, i) => `text ${i}`))).data).toHaveLength(
      2048,
    );

    // 8192 tokens per input: " word" is one token, so 8192 of them is exactly the limit.
    const words = (n: number) => ' word'.repeat(n);
    expect(tokenizer.encode(words(8192))).toHaveLength(8192);
    expect((await embed(words(8192))).usage.prompt_tokens).toBe(8192);
    const long = await apiError(embed(['short', words(8193)]));
    expect(long.status).toBe(400);
    expect(long.message).toContain(
      "This model's maximum context length is 8192 tokens, however you requested 8193 tokens (8193 in your prompt; 0 for the completion).",
    );
    // 300 000 tokens per request, summed.
    const total = await apiError(embed(Array.from({ length: 37 }, () => words(8150))));
    expect(total.status).toBe(400);
    expect(total.error).toEqual({
      message: 'Requested 301550 tokens, max 300000 tokens per request',
      type: 'max_tokens_per_request',
      param: null,
      code: 'max_tokens_per_request',
    });

    const unknown = await apiError(
      client.embeddings.create({ model: 'text-embedding-4-tiny', input: 'x' }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 'model_not_found']);
    const format = await apiError(
      embed('x', { encoding_format: 'int8' as OpenAI.EmbeddingCreateParams['encoding_format'] }),
    );
    expect([format.status, format.param]).toEqual([400, 'encoding_format']);
    const extra = await apiError(
      embed('x', { truncate: true } as Partial<OpenAI.EmbeddingCreateParams>),
    );
    expect([extra.status, extra.code]).toEqual([400, 'unknown_parameter']);
  });

  it('survives the usual faults: 429 with retry-after, 5xx, a lost answer — the retry gives the same vector', async () => {
    const text = 'faults do not change answers';
    const expected = (await embed(text)).data[0]!.embedding;
    const retrying = recordingClient(t, { maxRetries: 2 });

    t.emulator.setFaults({
      rate429: 1,
      retryAfterSeconds: 1,
      maxFaults: 1,
      onlyPaths: /\/embeddings$/,
    });
    const started = Date.now();
    const after429 = await retrying.embeddings.create({
      model: 'text-embedding-3-small',
      input: text,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // retry-after honoured
    expect(after429.data[0]!.embedding).toEqual(expected);
    expect(t.emulator.injectedFaults().at(-1)).toMatchObject({
      path: '/v1/embeddings',
      status: 429,
    });

    t.emulator.setFaults({ rate5xx: 1, maxFaults: 1, onlyPaths: /\/embeddings$/ });
    const after500 = await retrying.embeddings.create({
      model: 'text-embedding-3-small',
      input: text,
    });
    expect(after500.data[0]!.embedding).toEqual(expected);

    t.emulator.setFaults({ rateLoseAnswer: 1, maxFaults: 1, onlyPaths: /\/embeddings$/ });
    const afterLost = await retrying.embeddings.create({
      model: 'text-embedding-3-small',
      input: text,
    });
    expect(afterLost.data[0]!.embedding).toEqual(expected);
    expect(t.emulator.injectedFaults().at(-1)).toMatchObject({ kind: 'lose-answer' });

    t.emulator.setFaults({
      rate429: 1,
      retryAfterSeconds: 1,
      maxFaults: 1,
      onlyPaths: /\/embeddings$/,
    });
    const noRetry = await apiError(embed(text));
    expect(noRetry.status).toBe(429);
    expect(noRetry.headers?.get('retry-after')).toBe('1');
    expect(noRetry.error).toMatchObject({ code: 'rate_limit_exceeded' });
  });

  it('counts embedded inputs per model', () => {
    const counted = t.emulator.stats().embeddingInputs;
    expect(counted['text-embedding-3-large']).toBe(1);
    expect(counted['text-embedding-3-small']).toBeGreaterThan(2048);
  });
});

describe('out-of-order answers (option embeddings.outOfOrder)', () => {
  it('keeps every index with its vector, so a client joining on index gets them right', async () => {
    const ordered = await startTestEmulator(FAST);
    const shuffled = await startTestEmulator({ ...FAST, embeddings: { outOfOrder: true } });
    try {
      const input = ['first text', 'second text', 'third text'];
      const a = await ordered.client.embeddings.create({ model: 'text-embedding-3-small', input });
      const b = await shuffled.client.embeddings.create({ model: 'text-embedding-3-small', input });
      expect(b.data.map((d) => d.index)).toEqual([2, 1, 0]);
      const byIndex = [...b.data].sort((x, y) => x.index - y.index).map((d) => d.embedding);
      expect(byIndex).toEqual(a.data.map((d) => d.embedding));
    } finally {
      await Promise.all([ordered.close(), shuffled.close()]);
    }
  });
});

describe('holding a batch in flight (holdEmbeddings), for crash tests', () => {
  it('counts and records the nth request, leaves it unanswered until released, then answers 500', async () => {
    const t = await startTestEmulator(FAST);
    try {
      const model = 'text-embedding-3-small';
      const hold = t.emulator.holdEmbeddings(2);
      await t.client.embeddings.create({ model, input: ['one', 'two'] });
      let settled = false;
      const held = t.client.embeddings
        .create({ model, input: ['three', 'four', 'five'] }, { maxRetries: 0 })
        .finally(() => (settled = true));
      const request = await eventually('the held request', () => hold.request());
      expect(request).toMatchObject({ seq: 2, model, held: true });
      expect(request.digests).toHaveLength(3);
      expect(t.emulator.stats().embeddingInputs[model]).toBe(5); // received and embedded
      expect(settled).toBe(false);
      hold.release();
      expect((await apiError(held)).status).toBe(500);
      // The next request is answered as usual; the log has all three, by input digest.
      await t.client.embeddings.create({ model, input: 'one' });
      const log = t.emulator.embeddingRequests();
      expect(log.map((r) => [r.seq, r.digests.length, r.held])).toEqual([
        [1, 2, false],
        [2, 3, true],
        [3, 1, false],
      ]);
      expect(log[2]!.digests[0]).toBe(log[0]!.digests[0]); // the same text, the same digest
    } finally {
      await t.close();
    }
  });
});

describe('Azure /openai/v1/embeddings (model = deployment name)', () => {
  let t: TestEmulator;
  beforeAll(async () => {
    t = await startTestEmulator({
      ...FAST_AZURE,
      azure: { deployments: { creatingMs: 30, notReadyMs: 30 } },
    });
  });
  afterAll(() => t.close()); // answers checked: OpenAI's embedding shapes, Azure's error shape

  const azureError = async (p: Promise<unknown>) => {
    const err = await apiError(p);
    return { status: err.status, error: err.error as { code?: string; message?: string } };
  };

  it('embeds through a deployment of an embedding model, like the OpenAI flavour does', async () => {
    const early = await arm(t.emulator.url, 'PUT', `${ACCOUNT}/deployments/embed-small`, {
      body: deploymentBody('text-embedding-3-small', '1', 'Standard'),
    });
    expect(early.status).toBe(201);
    expect(
      await azureError(t.client.embeddings.create({ model: 'embed-small', input: 'x' })),
    ).toMatchObject({
      status: 404,
      error: { code: 'DeploymentNotFound' },
    });
    await deploy(t.emulator, 'embed-small', {
      name: 'text-embedding-3-small',
      version: '1',
      sku: 'Standard',
    });

    const text = 'Azure deployments serve the same model.';
    const r = await t.client.embeddings.create({
      model: 'embed-small',
      input: [text, 'second'],
      dimensions: 512,
    });
    expect(r.model).toBe('text-embedding-3-small');
    expect(r.data.map((d) => d.embedding.length)).toEqual([512, 512]);
    const openai = await startTestEmulator(FAST);
    try {
      const same = await openai.client.embeddings.create({
        model: 'text-embedding-3-small',
        input: text,
        dimensions: 512,
      });
      expect(r.data[0]!.embedding).toEqual(same.data[0]!.embedding);
    } finally {
      await openai.close();
    }
    expect(t.emulator.stats().embeddingInputs['embed-small']).toBe(2);
  });

  it('refuses embeddings on a chat deployment and chat on an embedding deployment (OperationNotSupported)', async () => {
    await deploy(t.emulator, 'chat-mini', { name: 'gpt-4.1-mini', version: '2025-04-14' });
    const onChat = await azureError(t.client.embeddings.create({ model: 'chat-mini', input: 'x' }));
    expect(onChat.status).toBe(400);
    expect(onChat.error.code).toBe('OperationNotSupported');
    expect(onChat.error.message).toMatch(
      /^The embeddings operation does not work with the specified model, gpt-4\.1-mini\./,
    );
    const onEmbed = await azureError(
      t.client.chat.completions.create({
        model: 'embed-small',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(onEmbed).toMatchObject({ status: 400, error: { code: 'OperationNotSupported' } });
    expect(onEmbed.error.message).toMatch(
      /^The chatCompletion operation does not work with the specified model, text-embedding-3-small\./,
    );
    expect(
      await azureError(t.client.embeddings.create({ model: 'nope', input: 'x' })),
    ).toMatchObject({
      status: 404,
      error: { code: 'DeploymentNotFound' },
    });
  });

  it('answers OpenAI-style 400s in Azure error shape, and serves nothing under /v1', async () => {
    const empty = await azureError(t.client.embeddings.create({ model: 'embed-small', input: '' }));
    expect(empty).toMatchObject({ status: 400, error: { code: '400' } });
    const wrongPath = await fetch(`${t.emulator.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embed-small', input: 'x' }),
    });
    expect(wrongPath.status).toBe(404);
  });

  it('lists the embedding models in the ARM catalogue as deployable, not fine-tunable', async () => {
    const list = await arm(
      t.emulator.url,
      'GET',
      '/subscriptions/s/providers/Microsoft.CognitiveServices/locations/eastus/models',
    );
    const models = (
      list.body as {
        value: { model: { name: string; version: string; capabilities: Record<string, string> } }[];
      }
    ).value;
    const small = models.find((m) => m.model.name === 'text-embedding-3-small');
    expect(small?.model).toMatchObject({ version: '1', capabilities: { embeddings: 'true' } });
    expect(small?.model.capabilities).not.toHaveProperty('fineTune');
    expect(small?.model.capabilities).not.toHaveProperty('chatCompletion');
  });
});
