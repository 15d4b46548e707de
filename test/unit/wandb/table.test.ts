import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  columnTypesDescriptor,
  runMediaTablePath,
  TableFileWriter,
  tableFileRef,
  type TableColumn,
} from '../../../src/wandb/artifacts/table.js';
import { WandbInputError } from '../../../src/wandb/errors.js';

const CHAT: TableColumn[] = [
  { name: 'role: system', type: 'string' },
  { name: 'role: user', type: 'string' },
  { name: 'role: assistant', type: 'string' },
];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wandb-table-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TableFileWriter (artifact format)', () => {
  it('writes a W&B table object with sorted keys, types, counts and matching digests', async () => {
    const w = await TableFileWriter.open({ columns: CHAT, dir });
    await w.addRow(['be brief', 'hi', 'hello']);
    await w.addRow([null, 'q', 'a "quoted" answer']);
    const file = await w.close();
    const bytes = await readFile(file.localPath);
    const table = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(table)).toEqual([
      '_type',
      'column_types',
      'columns',
      'data',
      'log_mode',
      'ncols',
      'nrows',
    ]);
    expect(table).toMatchObject({
      _type: 'table',
      columns: ['role: system', 'role: user', 'role: assistant'],
      data: [
        ['be brief', 'hi', 'hello'],
        [null, 'q', 'a "quoted" answer'],
      ],
      log_mode: 'IMMUTABLE',
      ncols: 3,
      nrows: 2,
    });
    expect(table.column_types).toEqual({
      params: {
        type_map: Object.fromEntries(
          CHAT.map((c) => [
            c.name,
            {
              params: { allowed_types: [{ wb_type: 'none' }, { wb_type: 'string' }] },
              wb_type: 'union',
            },
          ]),
        ),
      },
      wb_type: 'typedDict',
    });
    expect(file.size).toBe(bytes.length);
    expect((await stat(file.localPath)).size).toBe(file.size);
    expect(file.md5).toBe(createHash('md5').update(bytes).digest('base64'));
    expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('an empty table is still valid JSON', async () => {
    const w = await TableFileWriter.open({ columns: CHAT, dir });
    const file = await w.close();
    expect(JSON.parse(await readFile(file.localPath, 'utf8'))).toMatchObject({
      data: [],
      nrows: 0,
    });
  });

  it('stops writing at maxRows but counts every row offered', async () => {
    const w = await TableFileWriter.open({
      columns: [{ name: 'n', type: 'number' }],
      dir,
      maxRows: 3,
    });
    for (let i = 0; i < 10; i++) await w.addRow([i]);
    const file = await w.close();
    expect(file).toMatchObject({ nrows: 3, rowsSeen: 10, truncated: true });
    expect((JSON.parse(await readFile(file.localPath, 'utf8')) as { data: unknown }).data).toEqual([
      [0],
      [1],
      [2],
    ]);
  });

  it('streams 50,000 rows without holding them (file grows on disk as rows arrive)', async () => {
    const w = await TableFileWriter.open({ columns: CHAT, dir });
    for (let i = 0; i < 50_000; i++) await w.addRow(['s', `user ${i}`, `assistant ${i}`]);
    const file = await w.close();
    expect(file.nrows).toBe(50_000);
    const parsed = JSON.parse(await readFile(file.localPath, 'utf8')) as { data: string[][] };
    expect(parsed.data[49_999]).toEqual(['s', 'user 49999', 'assistant 49999']);
  });

  it('rejects rows that do not fit the columns', async () => {
    const w = await TableFileWriter.open({
      columns: [{ name: 'n', type: 'number', optional: false }],
      dir,
    });
    await expect(w.addRow(['1'])).rejects.toThrow(/holds numbers; row 1 has a string/);
    await expect(w.addRow([null])).rejects.toThrow(WandbInputError);
    await expect(w.addRow([1, 2])).rejects.toThrow(/2 cells/);
    await stat(w.localPath); // exists while open
    await w.discard();
    await expect(stat(w.localPath)).rejects.toThrow(/ENOENT/);
  });
});

describe('run-media tables', () => {
  it('writes just {columns, data} and a table-file history value pointing at it', async () => {
    const w = await TableFileWriter.open({ columns: CHAT, format: 'run-media', dir });
    await w.addRow(['a', 'b', 'c']);
    const file = await w.close();
    expect(JSON.parse(await readFile(file.localPath, 'utf8'))).toEqual({
      columns: CHAT.map((c) => c.name),
      data: [['a', 'b', 'c']],
    });
    const path = runMediaTablePath('train_data', 12, file.sha256);
    expect(path).toBe(`media/table/train_data_12_${file.sha256.slice(0, 20)}.table.json`);
    expect(tableFileRef(file, path)).toEqual({
      _type: 'table-file',
      path,
      sha256: file.sha256,
      size: file.size,
      ncols: 3,
      nrows: 1,
      log_mode: 'IMMUTABLE',
    });
  });

  it('defaults to 10,000 rows for run media', async () => {
    const w = await TableFileWriter.open({
      columns: [{ name: 'n', type: 'number' }],
      format: 'run-media',
      dir,
    });
    for (let i = 0; i < 10_001; i++) await w.addRow([i]);
    expect(await w.close()).toMatchObject({ nrows: 10_000, truncated: true });
  });

  it('describes required columns without the none branch', () => {
    expect(columnTypesDescriptor([{ name: 'ok', type: 'boolean', optional: false }])).toEqual({
      params: { type_map: { ok: { wb_type: 'boolean' } } },
      wb_type: 'typedDict',
    });
  });
});
