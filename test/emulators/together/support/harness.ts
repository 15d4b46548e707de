import Together from 'together-ai';
import { expect } from 'vitest';
import {
  startTogetherEmulator,
  type RunningTogetherEmulator,
  type TogetherEmulatorOptions,
} from '../../../../src/emulators/together/index.js';
import { schemaFor, violations } from './shapes.js';
import { eventually } from '../../../support/eventually.js';

/** Provider time compressed 2000×: a ten-minute job trains in 0.3 s, an endpoint starts in 0.15 s. */
export const FAST: TogetherEmulatorOptions = { timeScale: 2000, steps: 12 };

export interface Recorded {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/**
 * Wraps fetch so every answer the emulator gives in a test is kept and, at the end, checked
 * against the shapes (support/shapes.ts): the client itself is not changed in any other way.
 */
export class Recorder {
  readonly responses: Recorded[] = [];
  private readonly pending: Promise<void>[] = [];

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input);
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    const copy = response.clone();
    this.pending.push(
      (async () => {
        const text = await copy.text();
        const json = (copy.headers.get('content-type') ?? '').includes('application/json');
        this.responses.push({
          method,
          path: url.pathname,
          status: response.status,
          body: json ? (JSON.parse(text) as unknown) : undefined,
        });
      })(),
    );
    return response;
  };

  /** Every recorded answer that breaks its schema, as readable lines. */
  async problems(): Promise<string[]> {
    await Promise.all(this.pending);
    const out: string[] = [];
    for (const r of this.responses) {
      const where = `${r.method} ${r.path} → ${r.status}`;
      const schema = schemaFor(r.method, r.path, r.status);
      if (schema === undefined) out.push(`${where}: no schema known for this route`);
      if (!schema) continue;
      if (r.body === undefined) out.push(`${where}: no JSON body`);
      out.push(...violations(schema, r.body).map((v) => `${where}: ${v}`));
    }
    return out;
  }

  /** Routes seen, as "METHOD /path" with ids left in (for coverage assertions). */
  routes(): string[] {
    return this.responses.map((r) => `${r.method} ${r.path}`);
  }
}

export interface TestEmulator {
  emulator: RunningTogetherEmulator;
  recorder: Recorder;
  /** The official client, unchanged but for `baseURL`, `apiKey` and the recording fetch; no SDK retries. */
  client: Together;
  clientWith(options: ConstructorParameters<typeof Together>[0]): Together;
  /** Closes the emulator and fails the test if any answer broke its shape. */
  close(): Promise<void>;
}

export const API_KEY = 'tgp_v1_emulator-test-key';

export async function startTestEmulator(
  options: TogetherEmulatorOptions = FAST,
): Promise<TestEmulator> {
  const emulator = await startTogetherEmulator({ apiKey: API_KEY, ...options });
  const recorder = new Recorder();
  const clientWith = (o: ConstructorParameters<typeof Together>[0]) =>
    new Together({
      apiKey: API_KEY,
      baseURL: emulator.baseURL,
      maxRetries: 0,
      ...o,
      fetch: recorder.fetch,
    });
  return {
    emulator,
    recorder,
    client: clientWith({}),
    clientWith,
    async close() {
      await emulator.close();
      expect(await recorder.problems()).toEqual([]);
    },
  };
}

/** Raw HTTP against the emulator through the recorder: status, headers and parsed JSON. */
export async function call(
  t: TestEmulator,
  method: string,
  path: string,
  opts: {
    body?: unknown;
    headers?: Record<string, string>;
    raw?: RequestInit['body'];
    redirect?: RequestInit['redirect'];
  } = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const url = path.startsWith('http') ? path : `${t.emulator.url}${path}`;
  const headers: Record<string, string> = { authorization: `Bearer ${API_KEY}`, ...opts.headers };
  let body: RequestInit['body'] = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await t.recorder.fetch(url, {
    method,
    headers,
    body,
    redirect: opts.redirect ?? 'manual',
  });
  const text = await res.text();
  const json =
    (res.headers.get('content-type') ?? '').includes('application/json') && text
      ? (JSON.parse(text) as unknown)
      : undefined;
  return { status: res.status, headers: res.headers, json };
}

export function chatLine(i: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You answer tersely.' },
      { role: 'user', content: `What is ${i} + ${i}?` },
      { role: 'assistant', content: `${i + i}.` },
    ],
  });
}

export const chatJsonl = (n: number): string =>
  `${Array.from({ length: n }, (_, i) => chatLine(i)).join('\n')}\n`;

export const preferenceJsonl = (n: number): string =>
  `${Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      input: { messages: [{ role: 'user', content: `Name the number after ${i}.` }] },
      preferred_output: [{ role: 'assistant', content: `${i + 1}.` }],
      non_preferred_output: [{ role: 'assistant', content: 'I do not know.' }],
    }),
  ).join('\n')}\n`;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The one polling helper (test/support/eventually.ts), here for this tier's tests. */
export { eventually };

/** A multipart upload through `/v1/files/upload` (the description's form), raw. */
export async function uploadMultipart(
  t: TestEmulator,
  content: string,
  name = 'train.jsonl',
  purpose = 'fine-tune',
) {
  const form = new FormData();
  form.set('purpose', purpose);
  form.set('file_name', name);
  form.set('file', new Blob([content]), name);
  return call(t, 'POST', '/v1/files/upload', { raw: form });
}

export const BASE_MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';

/** Uploads 20 chat examples and trains a LoRA job on them to completion (raw HTTP). */
export async function trainedJob(
  t: TestEmulator,
  body: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const fileId = ((await uploadMultipart(t, chatJsonl(20))).json as { id: string }).id;
  await eventually('the training file to validate', async () => {
    const f = (await call(t, 'GET', `/v1/files/${fileId}`)).json as { processing_status: string };
    return f.processing_status === 'COMPLETED' ? true : undefined;
  });
  const created = await call(t, 'POST', '/v1/fine-tunes', {
    body: { training_file: fileId, model: BASE_MODEL, ...body },
  });
  const id = (created.json as { id: string }).id;
  return eventually('the job to complete', async () => {
    const j = (await call(t, 'GET', `/v1/fine-tunes/${id}`)).json as Record<string, unknown>;
    if (j.status === 'error' || j.status === 'cancelled')
      throw new Error(`job ended ${String(j.status)}`);
    return j.status === 'completed' ? j : undefined;
  });
}

/** The SDK sends beta (v2) calls to its `baseURL` once that is overridden: a second client, on `/v2`. */
export function v2Client(
  t: TestEmulator,
  options: ConstructorParameters<typeof Together>[0] = {},
): Together {
  return t.clientWith({ baseURL: `${t.emulator.url}/v2`, ...options });
}
