import { describe, expect, it } from 'vitest';
import { datasetArtifactMetadata } from '../../../src/dataset/index.js';
import { fixture, validate } from './support.js';

describe('dataset artifact metadata', () => {
  it('records format, items, per-role counts and token distributions as plain JSON', async () => {
    const report = await validate(fixture('chat-tools.jsonl'), { model: 'gpt-4.1-2025-04-14' });
    const metadata = datasetArtifactMetadata(report);
    expect(metadata).toMatchObject({
      items: 10,
      format: 'chat',
      examples: 10,
      sha256: report.digest,
      messages_by_role: { system: 10, user: 13, assistant: 23, tool: 10 },
      examples_without_system: 0,
      examples_with_tools: 10,
      token_encoding: 'o200k_base',
      tokens_billable: report.tokens.billableTotal,
      examples_over_context_limit: 0,
      estimated_usd: report.cost?.estimatedUsd,
    });
    const perExample = metadata.tokens_per_example as Record<string, number>;
    expect(perExample.min).toBeLessThanOrEqual(perExample.p50!);
    expect(perExample.p50).toBeLessThanOrEqual(perExample.p90!);
    expect(perExample.p90).toBeLessThanOrEqual(perExample.max!);
    expect(Object.keys(metadata).length).toBeLessThan(100); // W&B keeps at most 100 keys
    expect(JSON.parse(JSON.stringify(metadata))).toEqual(metadata);
  });
});
