import { datasetTableRows, tableColumns, type DatasetFormat } from '../../dataset/index.js';
import { TableFileWriter, type TableColumn, type TableFile } from '../../wandb/index.js';

const NUMERIC = new Set(['line', 'tokens', 'n_messages']);

/** Streams a dataset file into a W&B Table file (rows never all in memory). */
export async function writeDatasetTable(
  path: string,
  format: DatasetFormat,
  signal?: AbortSignal,
): Promise<TableFile> {
  const columns: TableColumn[] = tableColumns(format).map((name) => ({
    name,
    type: NUMERIC.has(name) ? 'number' : 'string',
  }));
  const writer = await TableFileWriter.open({ columns });
  try {
    for await (const row of datasetTableRows(path, format, { signal })) await writer.addRow(row);
    return await writer.close();
  } catch (err) {
    await writer.discard();
    throw err;
  }
}
