import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGraderMessages, parseGraderScore } from '../../../src/shared/graderPrompt.js';
import {
  FAST,
  runToEnd,
  startTestEmulator,
  uploadJsonl,
  type TestEmulator,
} from './support/harness.js';
import { violations } from './support/shapes.js';

type Message = OpenAI.Chat.ChatCompletionMessageParam;
type Params = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

const SAMPLE = join(import.meta.dirname, '..', '..', '..', 'data', 'sample');
const trainText = readFileSync(join(SAMPLE, 'train.jsonl'), 'utf8');
const validText = readFileSync(join(SAMPLE, 'valid.jsonl'), 'utf8');

interface Example {
  prompt: Message[];
  reference: string;
  question: string;
}

/** Each sample line as an evaluation sees it: the messages before the final reply, and the reply. */
function examplesOf(jsonl: string): Example[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const { messages } = JSON.parse(line) as {
        messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
      };
      const last = messages.at(-1)!;
      const prompt = messages.slice(0, -1) as Message[];
      const question = messages.findLast((m) => m.role === 'user')!.content;
      return { prompt, reference: last.content, question };
    });
}

const examples = [...examplesOf(trainText), ...examplesOf(validText)];
/** Test-controlled degradation per model name (the emulator option reads it on every call). */
const degraded = new Map<string, number>();

let t: TestEmulator;
let fineTuned: string;
let job: OpenAI.FineTuning.FineTuningJob;

/** One completion through the official client, checked against the OpenAPI schema. */
async function ask(params: Params): Promise<OpenAI.Chat.ChatCompletion> {
  const completion = await t.client.chat.completions.create(params);
  expect(violations('CreateChatCompletionResponse', completion)).toEqual([]);
  return completion;
}

async function answer(model: string, messages: Message[]): Promise<string> {
  const completion = await ask({ model, messages });
  return completion.choices[0]!.message.content ?? '';
}

async function exactMatches(model: string, client = t.client, among = examples): Promise<number> {
  let exact = 0;
  for (const e of among) {
    const completion = await client.chat.completions.create({ model, messages: e.prompt });
    if (completion.choices[0]!.message.content === e.reference) exact++;
  }
  return exact;
}

beforeAll(async () => {
  t = await startTestEmulator({
    ...FAST,
    seed: 11,
    chatDegradation: (model) => degraded.get(model) ?? 0,
  });
  const training = await uploadJsonl(t.client, trainText, 'train.jsonl');
  const validation = await uploadJsonl(t.client, validText, 'valid.jsonl');
  const created = await t.client.fineTuning.jobs.create({
    model: 'gpt-4.1-mini',
    training_file: training.id,
    validation_file: validation.id,
    suffix: 'kettle',
  });
  job = (await runToEnd(t.client, created.id)).job;
  expect(job.status).toBe('succeeded');
  fineTuned = job.fine_tuned_model!;
});
afterAll(() => t.close());
afterEach(() => {
  degraded.clear();
  t.emulator.setFaults(undefined);
});

describe('POST /v1/chat/completions', () => {
  it('answers a base model alias as its snapshot, in the shape of the real service', async () => {
    const completion = await ask({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'You answer tersely.' },
        { role: 'user', content: 'What colour is the sky?' },
      ],
    });
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1-mini-2025-04-14',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', refusal: null, annotations: [] },
        },
      ],
    });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(5);
    const content = completion.choices[0]!.message.content!;
    expect(content).toContain('"colour" and "sky"'); // a generic answer, but on topic
    const usage = completion.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(10);
    expect(usage.completion_tokens).toBeGreaterThan(5);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('gives the same answer to the same request, and counts tokens the same way', async () => {
    const params: Params = { model: fineTuned, messages: examples[3]!.prompt };
    const [a, b] = [await ask(params), await ask(params)];
    expect(a.id).not.toBe(b.id);
    expect(b.choices[0]!.message.content).toBe(a.choices[0]!.message.content);
    expect(b.usage).toEqual(a.usage);
    const longer = await ask({
      model: fineTuned,
      messages: [...examples[3]!.prompt, { role: 'user', content: 'And a follow-up question?' }],
    });
    expect(longer.usage!.prompt_tokens).toBeGreaterThan(a.usage!.prompt_tokens);
  });

  it('lets a fine-tuned model reproduce its training and validation replies far more often than its base', async () => {
    const ft = await exactMatches(fineTuned);
    const base = await exactMatches('gpt-4.1-mini');
    expect(ft).toBeGreaterThanOrEqual(Math.ceil(examples.length * 0.6));
    expect(base).toBeLessThanOrEqual(Math.floor(examples.length * 0.5));
    expect(ft - base).toBeGreaterThanOrEqual(Math.ceil(examples.length * 0.3));
  });

  it('makes the fine-tuned model miss by a little (a prefix of the reply) and the base by a lot', async () => {
    for (const e of examples) {
      const ft = await answer(fineTuned, e.prompt);
      if (ft !== e.reference) expect(e.reference.startsWith(ft.replace(/\.$/, ''))).toBe(true);
      const base = await answer('gpt-4.1-mini', e.prompt);
      if (base !== e.reference) {
        expect(e.reference.startsWith(base.slice(0, 20))).toBe(false);
        expect(base).toMatch(/ about /);
      }
    }
  });

  it('answers prompts nobody trained on generically, for base and fine-tuned models alike', async () => {
    const messages: Message[] = [{ role: 'user', content: 'Can my kettle brew green tea?' }];
    for (const model of [fineTuned, 'gpt-4.1-mini']) {
      const text = await answer(model, messages);
      expect(text).toContain('"kettle", "brew" and "green"');
    }
  });

  it('keeps what a model learned after its training file is deleted', async () => {
    const fresh = await startTestEmulator({ ...FAST, seed: 11 });
    try {
      const training = await uploadJsonl(fresh.client, trainText);
      const created = await fresh.client.fineTuning.jobs.create({
        model: 'gpt-4.1-mini',
        training_file: training.id,
      });
      const done = (await runToEnd(fresh.client, created.id)).job;
      await fresh.client.files.delete(training.id);
      const trained = examplesOf(trainText);
      const exact = await exactMatches(done.fine_tuned_model!, fresh.client, trained);
      expect(exact).toBeGreaterThanOrEqual(Math.ceil(trained.length * 0.6));
    } finally {
      await fresh.close();
    }
  });

  it('serves intermediate checkpoints as models', async () => {
    const checkpoints = await t.client.fineTuning.jobs.checkpoints.list(job.id);
    const intermediate = checkpoints.data.find((c) => c.fine_tuned_model_checkpoint !== fineTuned);
    expect(intermediate).toBeDefined();
    const completion = await ask({
      model: intermediate!.fine_tuned_model_checkpoint,
      messages: examples[0]!.prompt,
    });
    expect(completion.model).toBe(intermediate!.fine_tuned_model_checkpoint);
  });

  it('honours n, stop and max_completion_tokens', async () => {
    const messages = examples[1]!.prompt;
    const two = await ask({ model: fineTuned, messages, n: 2 });
    expect(two.choices.map((c) => c.index)).toEqual([0, 1]);
    const cut = await ask({ model: 'gpt-4.1-mini', messages, max_completion_tokens: 3 });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBeLessThanOrEqual(3);
    expect(cut.choices[0]!.message.content).not.toBe('');
    const full = await answer('gpt-4.1-mini', messages);
    const stopped = await ask({ model: 'gpt-4.1-mini', messages, stop: ['.'] });
    expect(stopped.choices[0]!.message.content).toBe(full.slice(0, full.indexOf('.')));
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
  });
});

describe('errors on chat completions', () => {
  const bad = (body: Record<string, unknown>) =>
    t.client.chat.completions.create(body as unknown as Params);
  const hello: Message[] = [{ role: 'user', content: 'hello' }];

  it('404s an unknown model, a fine-tuned model no job here made, and a completions-only model', async () => {
    const unknown = await bad({ model: 'gpt-9', messages: hello }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown).toMatchObject({
      code: 'model_not_found',
      type: 'invalid_request_error',
      message: '404 The model `gpt-9` does not exist or you do not have access to it.',
    });
    const stranger = 'ft:gpt-4.1-mini-2025-04-14:personal:kettle:ZZZZZZZZ';
    await expect(bad({ model: stranger, messages: hello })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    await expect(bad({ model: 'davinci-002', messages: hello })).rejects.toMatchObject({
      status: 404,
      param: 'model',
    });
    await expect(bad({ model: 'constructor', messages: hello })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('400s bad bodies with the parameter named', async () => {
    const cases: [Record<string, unknown>, string | null, string | null][] = [
      [{ messages: hello }, null, null], // observed: no param for a missing model
      [{ model: 'gpt-4.1-mini' }, 'messages', 'missing_required_parameter'],
      [{ model: 'gpt-4.1-mini', messages: [] }, 'messages', 'empty_array'],
      [{ model: 'gpt-4.1-mini', messages: 'hi' }, 'messages', 'invalid_type'],
      [
        { model: 'gpt-4.1-mini', messages: [{ role: 'bot', content: 'x' }] },
        'messages[0].role',
        'invalid_value',
      ],
      [
        { model: 'gpt-4.1-mini', messages: [...hello, { role: 'user' }] },
        'messages[1].content',
        'missing_required_parameter',
      ],
      [
        { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 5 }] },
        'messages[0].content',
        'invalid_type',
      ],
      [{ model: 'gpt-4.1-mini', messages: hello, n: 0 }, 'n', 'integer_below_min_value'],
      [
        { model: 'gpt-4.1-mini', messages: hello, temperature: 3 },
        'temperature',
        'decimal_above_max_value',
      ],
      [{ model: 'gpt-4.1-mini', messages: hello, frobnicate: true }, null, 'unknown_parameter'],
    ];
    for (const [body, param, code] of cases) {
      const err = await bad(body).catch((e: unknown) => e);
      expect(err, JSON.stringify(body)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err, JSON.stringify(body)).toMatchObject({ param, code });
    }
    const missingModel = await bad({ messages: hello }).catch((e: unknown) => e);
    expect((missingModel as Error).message).toBe('400 you must provide a model parameter');
  });

  it('refuses to stream', async () => {
    const err = await t.client.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: hello, stream: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ param: 'stream' });
    expect((err as Error).message).toContain('Streaming is not emulated');
  });

  it('counts chat requests per route and per model, and injects faults into them', async () => {
    const before = t.emulator.stats();
    await answer('gpt-4.1-nano', hello);
    await bad({ model: 'gpt-9', messages: hello }).catch(() => undefined);
    const after = t.emulator.stats();
    const route = 'POST /v1/chat/completions';
    expect((after.requests[route] ?? 0) - (before.requests[route] ?? 0)).toBe(2);
    expect(
      (after.chatCompletions['gpt-4.1-nano'] ?? 0) - (before.chatCompletions['gpt-4.1-nano'] ?? 0),
    ).toBe(1);
    expect(after.chatCompletions['gpt-9']).toBeUndefined();

    t.emulator.setFaults({ rate429: 1, onlyPaths: /^\/v1\/chat\//, maxFaults: 1 });
    await expect(answer('gpt-4.1-mini', hello)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await t.client.files.list(); // other paths are untouched
    expect(await answer('gpt-4.1-mini', hello)).not.toBe('');
  });
});

describe('the model grader convention', () => {
  const e = examples[0]!;
  const grade = async (answerText: string) => {
    const messages = buildGraderMessages({
      question: e.question,
      reference: e.reference,
      answer: answerText,
    });
    const completion = await ask({ model: 'gpt-4.1-mini', messages });
    const content = completion.choices[0]!.message.content ?? '';
    const reply = JSON.parse(content) as Record<string, unknown>;
    expect(Object.keys(reply).sort()).toEqual(['reason', 'score']);
    expect(Number.isInteger(reply.score)).toBe(true);
    return parseGraderScore(content);
  };

  it('scores a faithful answer above a partial one, and that above a wrong one', async () => {
    const faithful = await grade(e.reference);
    const partial = await grade(e.reference.split('. ')[0]!);
    const wrong = await grade('Bananas are rich in potassium and grow in the tropics.');
    expect(faithful).toBe(1);
    expect(partial).not.toBeNull();
    expect(partial!).toBeLessThan(1);
    expect(partial!).toBeGreaterThan(wrong!);
    expect(wrong).toBeLessThanOrEqual(0.1);
  });

  it('grades the same way on every model, degraded or not', async () => {
    degraded.set('gpt-4.1-mini', 1);
    expect(await grade(e.reference)).toBe(1);
  });
});

describe('the chatDegradation option', () => {
  it('makes a model worse by the share asked for: 1 is always wrong, 0 is as before', async () => {
    const faithful = await exactMatches(fineTuned);
    degraded.set(fineTuned, 1);
    expect(await exactMatches(fineTuned)).toBe(0);
    degraded.set(fineTuned, 0.5);
    const half = await exactMatches(fineTuned);
    expect(half).toBeLessThan(faithful);
    expect(half).toBeGreaterThan(0);
    expect(await exactMatches('gpt-4.1-mini')).toBeGreaterThan(0); // other models unaffected
    degraded.delete(fineTuned);
    expect(await exactMatches(fineTuned)).toBe(faithful);
  });
});
