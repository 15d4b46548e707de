import OpenAI from 'openai';
import { schemaFor, violations } from './shapes.js';

/** How answers of one flavour are checked: their request-id header and their schemas. */
export interface ConformanceProfile {
  requestIdHeader: string;
  requestIdOk(id: string): boolean;
  schemaFor(method: string, path: string, status: number): string | null | undefined;
  violations(schema: string, body: unknown): string[];
}

export const OPENAI_PROFILE: ConformanceProfile = {
  requestIdHeader: 'x-request-id',
  requestIdOk: (id) => id.startsWith('req_'),
  schemaFor,
  violations,
};

export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  requestId: string | null;
  body: unknown;
}

/**
 * Wraps fetch for the official client so that every answer the emulator gives in a test is kept
 * and later checked against the OpenAPI shapes (the client itself is not changed in any other way).
 */
export class ResponseRecorder {
  readonly responses: RecordedResponse[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly profile: ConformanceProfile = OPENAI_PROFILE) {}

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : input);
    // The client probes FormData support with a `data:` URL; only emulator answers count.
    if (!url.protocol.startsWith('http')) return response;
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
          requestId: response.headers.get(this.profile.requestIdHeader),
          body: json ? (JSON.parse(text) as unknown) : undefined,
        });
      })(),
    );
    return response;
  };

  client(options: ConstructorParameters<typeof OpenAI>[0] = {}): OpenAI {
    return new OpenAI({ apiKey: 'sk-test', maxRetries: 0, ...options, fetch: this.fetch });
  }

  /** Every recorded answer that breaks its schema or lacks a request id, as readable lines. */
  async conformanceProblems(): Promise<string[]> {
    await Promise.all(this.pending);
    const { profile } = this;
    const problems: string[] = [];
    for (const r of this.responses) {
      const where = `${r.method} ${r.path} → ${r.status}`;
      if (r.requestId === null || !profile.requestIdOk(r.requestId)) {
        problems.push(`${where}: no ${profile.requestIdHeader}`);
      }
      const schema = profile.schemaFor(r.method, r.path, r.status);
      if (schema === undefined) problems.push(`${where}: no schema known for this route`);
      if (!schema) continue;
      problems.push(...profile.violations(schema, r.body).map((v) => `${where}: ${v}`));
    }
    return problems;
  }
}
