import { ApiError, invalidRequest, missingParameter } from './errors.js';
import { EMBEDDING_LIMITS } from './embeddingModels.js';

/** One input: text, or tokens (cl100k_base ids) as the API also accepts. */
export type EmbeddingInput = { text: string } | { tokens: number[] };

export interface EmbeddingRequest {
  model: string;
  inputs: EmbeddingInput[];
  encoding: 'float' | 'base64';
  dimensions: number | undefined;
}

/** CreateEmbeddingRequest's properties (openai-openapi f85dbe2); it allows no others. */
const KNOWN_PARAMETERS = new Set(['input', 'model', 'encoding_format', 'dimensions', 'user']);

/** cl100k_base's largest token id (100 256 tokens incl. specials, up to 100276). */
const MAX_TOKEN_ID = 100_276;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reported wording (and `param`/`code` null) for an empty string, and the emulator's answer to
 * every other input the schema refuses: wrong types, an empty or too long array (a guess there).
 */
export const inputInvalid = (): ApiError =>
  invalidRequest(
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
  );

const isTokenId = (t: unknown): t is number =>
  typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= MAX_TOKEN_ID;

function parseInput(v: unknown): EmbeddingInput[] {
  if (v === undefined || v === null) throw missingParameter('input');
  if (typeof v === 'string') {
    if (v === '') throw inputInvalid();
    return [{ text: v }];
  }
  if (!Array.isArray(v) || v.length === 0 || v.length > EMBEDDING_LIMITS.inputsPerRequest) {
    throw inputInvalid();
  }
  if (v.every((s) => typeof s === 'string')) {
    if (v.some((s) => s === '')) throw inputInvalid();
    return v.map((text: string) => ({ text }));
  }
  if (v.every(isTokenId)) return [{ tokens: v }];
  if (v.every((a) => Array.isArray(a) && a.length > 0 && a.every(isTokenId))) {
    return v.map((tokens: number[]) => ({ tokens }));
  }
  throw inputInvalid();
}

function parseDimensions(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw invalidRequest(
      `Invalid type for 'dimensions': expected an integer, but got ${JSON.stringify(v)} instead.`,
      'dimensions',
      'invalid_type',
    );
  }
  if (v < 1) {
    throw invalidRequest(
      `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${v} instead.`,
      'dimensions',
      'integer_below_min_value',
    );
  }
  return v;
}

/** The body of `POST /v1/embeddings`, or the 400 the API gives (wording: see the README). */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest {
  if (!isObject(body)) throw invalidRequest('The request body must be a JSON object.');
  const unknown = Object.keys(body).filter((k) => !KNOWN_PARAMETERS.has(k));
  if (unknown.length > 0) {
    throw invalidRequest(
      `Unrecognized request argument supplied: ${unknown.join(', ')}`,
      null,
      'unknown_parameter',
    );
  }
  if (body.model === undefined || body.model === '') {
    throw invalidRequest('you must provide a model parameter');
  }
  if (typeof body.model !== 'string') {
    throw invalidRequest("Invalid type for 'model': expected a string.", 'model', 'invalid_type');
  }
  const inputs = parseInput(body.input);
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw invalidRequest(
      `Invalid value: ${JSON.stringify(format)}. Supported values are: 'float' and 'base64'.`,
      'encoding_format',
      'invalid_value',
    );
  }
  if (body.user !== undefined && typeof body.user !== 'string') {
    throw invalidRequest("Invalid type for 'user': expected a string.", 'user', 'invalid_type');
  }
  return {
    model: body.model,
    inputs,
    encoding: format,
    dimensions: parseDimensions(body.dimensions),
  };
}
