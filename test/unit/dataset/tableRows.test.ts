import { describe, expect, it } from 'vitest';
import {
  datasetTableRows,
  legacyTableRows,
  LegacyTableError,
  tableColumns,
  type TableRow,
  type TableRowsOptions,
  type TableRowsSummary,
} from '../../../src/dataset/index.js';
import type { DatasetFormat } from '../../../src/dataset/types.js';
import { fixture, jsonl, SAMPLES, scratchDir, validate } from './support.js';

/** The whole table in memory, read through the product's streaming reader. */
async function collectDatasetTable(
  path: string,
  format: DatasetFormat,
  opts: TableRowsOptions = {},
): Promise<TableRowsSummary & { columns: string[]; rows: TableRow[] }> {
  const rows: TableRow[] = [];
  const iterator = datasetTableRows(path, format, opts);
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { ...next.value, columns: tableColumns(format), rows };
    rows.push(next.value);
  }
}

/** Row as a column → cell record, for readable assertions. */
function named(columns: string[], row: TableRow | undefined): Record<string, unknown> {
  return Object.fromEntries(columns.map((c, i) => [c, row?.[i]]));
}

describe('W&B table rows', () => {
  it('defines columns per format', () => {
    expect(tableColumns('chat')).toEqual([
      'line',
      'system',
      'conversation',
      'final_user',
      'assistant',
      'tools',
      'n_messages',
      'tokens',
      'error',
    ]);
    expect(tableColumns('dpo')).toEqual([
      'line',
      'system',
      'input',
      'preferred',
      'non_preferred',
      'tokens',
      'error',
    ]);
    expect(tableColumns('reinforcement')).toEqual([
      'line',
      'messages',
      'tools',
      'reference',
      'tokens',
      'error',
    ]);
  });

  it('chat with tools: splits each conversation into system, earlier turns, final user turn and reply', async () => {
    const t = await collectDatasetTable(fixture('chat-tools.jsonl'), 'chat');
    expect(t).toMatchObject({ records: 10, emitted: 10, invalid: 0, truncated: false });
    const first = named(t.columns, t.rows[0]);
    expect(first).toMatchObject({
      line: 1,
      system: 'You are an order assistant. Use the tools.',
      final_user: 'Where is order A1000?',
      assistant: 'Order A1000 has shipped and should arrive in about 2 days.',
      n_messages: 5,
      error: null,
    });
    const earlier = JSON.parse(first.conversation as string) as { role: string }[];
    expect(earlier.map((m) => m.role)).toEqual(['assistant', 'tool']);
    expect(JSON.parse(first.tools as string)).toHaveLength(2);

    const multiTurn = named(t.columns, t.rows[1]);
    expect(multiTurn.final_user).toBe('And can I still get a refund?');
    expect((JSON.parse(multiTurn.conversation as string) as unknown[]).length).toBe(4);

    // Line 8's first user turn carries an image part; it stays in the earlier-turns JSON.
    const withImage = JSON.parse(named(t.columns, t.rows[7]).conversation as string) as unknown[];
    expect(withImage[0]).toMatchObject({
      role: 'user',
      content: [{ type: 'text' }, { type: 'image_url' }],
    });
  });

  it('tokens per row add up to the validation report total', async () => {
    const path = fixture('chat-tools.jsonl');
    const t = await collectDatasetTable(path, 'chat', { model: 'gpt-4.1-2025-04-14' });
    const report = await validate(path, { model: 'gpt-4.1-2025-04-14' });
    const tokens = t.rows.map((r) => r[t.columns.indexOf('tokens')] as number);
    expect(tokens.reduce((a, b) => a + b, 0)).toBe(report.tokens.total);
  });

  it('a tool-call-only reply shows the calls as JSON', async () => {
    const s = await scratchDir();
    try {
      const call = {
        id: 'c1',
        type: 'function',
        function: { name: 'lookup', arguments: '{"q":"x"}' },
      };
      const path = await s.write(
        'calls.jsonl',
        jsonl([
          {
            messages: [
              { role: 'user', content: 'find x' },
              { role: 'assistant', content: null, tool_calls: [call] },
            ],
          },
        ]),
      );
      const t = await collectDatasetTable(path, 'chat');
      const row = named(t.columns, t.rows[0]);
      expect(JSON.parse(row.assistant as string)).toEqual([call]);
      expect(row.system).toBeNull();
      expect(row.conversation).toBeNull();
    } finally {
      await s.cleanup();
    }
  });

  it('DPO rows hold the input as JSON and both outputs as text', async () => {
    const t = await collectDatasetTable(fixture('dpo.jsonl'), 'dpo');
    const row = named(t.columns, t.rows[0]);
    expect(row).toMatchObject({
      line: 1,
      system: 'Answer briefly and politely.',
      preferred:
        'Open Settings, choose Account and follow the steps to reset my password. It takes about a minute.',
      non_preferred: 'Figure it out yourself.',
      error: null,
    });
    expect(JSON.parse(row.input as string)).toHaveLength(2);
  });

  it('reinforcement rows keep every grader field as JSON in `reference`', async () => {
    const t = await collectDatasetTable(fixture('reinforcement.jsonl'), 'reinforcement');
    const row = named(t.columns, t.rows[0]);
    expect(JSON.parse(row.reference as string)).toEqual({
      reference_answer: '21',
      difficulty: 'easy',
    });
    expect(row.tools).toBeNull();
    expect((JSON.parse(row.messages as string) as unknown[]).length).toBe(2);
  });

  it('never drops a record: invalid lines become rows with the reason', async () => {
    const t = await collectDatasetTable(fixture('invalid.jsonl'), 'chat');
    expect(t.records).toBe(14);
    expect(t.rows.map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const errorAt = (line: number) =>
      named(
        t.columns,
        t.rows.find((r) => r[0] === line),
      ).error;
    expect(errorAt(1)).toBeNull();
    expect(errorAt(4)).toMatch(/not valid JSON/);
    expect(errorAt(11)).toMatch(/DPO/);
    expect(errorAt(12)).toMatch(/UTF-8/);
    expect(t.invalid).toBe(9);
    // What could be read of a flawed line is still shown.
    expect(
      named(
        t.columns,
        t.rows.find((r) => r[0] === 9),
      ).final_user,
    ).toBe('q');
  });

  it('maxRows stops emitting but still counts every record', async () => {
    const rows: TableRow[] = [];
    const iterator = datasetTableRows(fixture('invalid.jsonl'), 'chat', { maxRows: 3 });
    let next = await iterator.next();
    while (!next.done) {
      rows.push(next.value);
      next = await iterator.next();
    }
    expect(rows).toHaveLength(3);
    expect(next.value).toEqual({ records: 14, emitted: 3, invalid: 1, truncated: true });
  });

  it('shortens base64 images in cells', async () => {
    const s = await scratchDir();
    try {
      const url = `data:image/png;base64,${'A'.repeat(100_000)}`;
      const path = await s.write(
        'img.jsonl',
        jsonl([
          {
            messages: [
              { role: 'user', content: [{ type: 'image_url', image_url: { url } }] },
              { role: 'assistant', content: 'a cat' },
              {
                role: 'user',
                content: [
                  { type: 'text', text: 'and this?' },
                  { type: 'image_url', image_url: { url } },
                ],
              },
              { role: 'assistant', content: 'welcome' },
            ],
          },
        ]),
      );
      const t = await collectDatasetTable(path, 'chat');
      const row = named(t.columns, t.rows[0]);
      expect((row.conversation as string).length).toBeLessThan(500);
      expect(row.conversation).toMatch(/more characters/);
      expect(row.final_user).toBe(
        `and this?\n[image: ${url.slice(0, 64)}…[${url.length - 64} more characters]]`,
      );
    } finally {
      await s.cleanup();
    }
  });
});

describe('legacy (Python WandbLogger) table', () => {
  it('reproduces the 3-column layout by position', async () => {
    const t = await legacyTableRows(fixture('pii.jsonl'));
    expect(t.columns).toEqual(['role: system', 'role: user', 'role: assistant']);
    expect(t.items).toBe(12);
    expect(t.rows[0]).toEqual([
      'You are a helpful support assistant.',
      'Plain question 0?',
      'Plain answer 0.',
    ]);
  });

  it('fails the whole table on the first multi-turn line, as the Python logger does', async () => {
    // train.jsonl line 17 is a 5-message conversation; the new table keeps it.
    await expect(legacyTableRows(`${SAMPLES}train.jsonl`)).rejects.toSatisfy(
      (e) => e instanceof LegacyTableError && e.line === 17,
    );
    const t = await collectDatasetTable(`${SAMPLES}train.jsonl`, 'chat');
    expect(t).toMatchObject({ records: 20, invalid: 0 });
  });
});
