import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shapeCheck, type Schema, type ShapeCheck } from './shapeCheck.js';

// OpenAI's embeddings request and response (tools/extract-openapi-shapes.ts --roots …, from the
// same openai-openapi commit as the fine-tuning shapes), in a file of their own.
const FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'fixtures',
  'openapi',
  'embeddings-shapes.json',
);

/** The schemas this file checks; shapes.ts and azureShapes.ts hand these names here. */
export const EMBEDDING_SCHEMAS = new Set(['CreateEmbeddingRequest', 'CreateEmbeddingResponse']);

/**
 * One allowance: with `encoding_format: "base64"` an embedding is a base64 string (what the API
 * sends, and what openai-node asks for by default and decodes); the spec describes only floats.
 */
export const BASE64_ALLOWANCE = 'Embedding.embedding may be a base64 string';

function loadShapes(): { $defs: Record<string, Schema> } {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { $defs: Record<string, Schema> };
  const embedding = doc.$defs.Embedding!.properties!;
  embedding.embedding = {
    anyOf: [embedding.embedding, { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' }],
  };
  // Stricter than the spec on purpose: an invented field fails.
  for (const name of ['CreateEmbeddingResponse', 'Embedding']) {
    doc.$defs[name]!.additionalProperties = false;
  }
  const usage = doc.$defs.CreateEmbeddingResponse!.properties!.usage as Schema;
  usage.additionalProperties = false;
  return doc;
}

let shared: ShapeCheck | undefined;

export function embeddingViolations(name: string, value: unknown): string[] {
  shared ??= shapeCheck(loadShapes());
  return shared(name, value);
}
