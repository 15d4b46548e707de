import { rm } from 'node:fs/promises';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { TableFileWriter, type TableColumn, type WandbClient } from '../../wandb/index.js';
import type { EvalRow } from './evaluate.js';

const COLUMNS: TableColumn[] = [
  { name: 'line', type: 'number' },
  { name: 'role', type: 'string' },
  { name: 'model', type: 'string' },
  { name: 'question', type: 'string' },
  { name: 'reference', type: 'string' },
  { name: 'answer', type: 'string', optional: true },
  { name: 'exact', type: 'number', optional: true },
  { name: 'contains', type: 'number', optional: true },
  { name: 'regex', type: 'number', optional: true },
  { name: 'model_score', type: 'number', optional: true },
  { name: 'error', type: 'string', optional: true },
];

/**
 * One row per example and model as a W&B Table in an `evaluation` artifact, output of the job's
 * run (id = job id), so the review can read every answer next to its reference.
 */
export async function logEvalTable(
  wandb: WandbClient,
  target: WandbTarget,
  jobId: string,
  rows: EvalRow[],
): Promise<string> {
  const writer = await TableFileWriter.open({ columns: COLUMNS });
  let localPath: string | undefined;
  try {
    for (const r of rows) {
      await writer.addRow([
        r.line,
        r.role,
        r.model,
        r.question,
        r.reference,
        r.answer,
        r.scores.exact ?? null,
        r.scores.contains ?? null,
        r.scores.regex ?? null,
        r.scores.model ?? null,
        r.error ?? null,
      ]);
    }
    const table = await writer.close();
    localPath = table.localPath;
    const name = `eval-${jobId}`;
    await wandb.logArtifact({
      ...target,
      runId: jobId,
      role: 'output',
      name,
      type: 'evaluation',
      description: `Evaluation of ${jobId} before promotion`,
      metadata: { rows: rows.length },
      files: [{ path: 'results.table.json', source: { path: table.localPath } }],
    });
    return `${target.entity}/${target.project}/${name}:latest`;
  } catch (err) {
    if (!localPath) await writer.discard();
    throw err;
  } finally {
    if (localPath) await rm(localPath, { force: true });
  }
}
