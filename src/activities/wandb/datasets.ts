import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Context } from '@temporalio/activity';
import { datasetArtifactMetadata, validateDatasetFile } from '../../dataset/index.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { FineTuneMethodType } from '../../shared/types.js';

/** Used only when a caller does not say which model the job trained (older workflow runs). */
const DEFAULT_DESCRIBE_MODEL = 'gpt-4.1-mini';
import { sanitizeArtifactName } from '../../wandb/index.js';
import { withPulse } from '../pulse.js';
import { artifactGone, streaming } from '../failures.js';
import { writeDatasetTable } from './datasetTable.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';

export interface LogDatasetInput {
  target: WandbTarget;
  runId: string;
  role: 'training' | 'validation';
  fileId: string;
  overwrite: boolean;
  /** The job's base model and method: they decide the tokenizer, the format checks and the cost. */
  model?: string;
  method?: FineTuneMethodType;
}

export interface LoggedDataset {
  ref: string;
  /** Records in the file (W&B's `items`; config n_train / n_valid). */
  items: number | null;
  reused: boolean;
}

/** WandbLogger's names: `train-<file id>` of type training_files, `valid-<file id>` of validation_files. */
export function datasetArtifactName(role: LogDatasetInput['role'], fileId: string) {
  return role === 'training'
    ? { name: sanitizeArtifactName(`train-${fileId}`), type: 'training_files' }
    : { name: sanitizeArtifactName(`valid-${fileId}`), type: 'validation_files' };
}

/** The file's bytes into `dest`; false when the provider no longer has the file. */
async function download(
  deps: WandbActivityDeps,
  fileId: string,
  dest: string,
  signal: AbortSignal,
): Promise<boolean> {
  const body = await deps.provider.files.download(fileId, signal);
  if (!body) return false;
  await streaming(`Downloading file ${fileId}`, () =>
    pipeline(Readable.fromWeb(body), createWriteStream(dest), {
      signal,
    }),
  );
  return true;
}

/**
 * Logs a training or validation file as an input artifact of the run, with its W&B Table (every
 * format, every row). An existing version for the same file is reused (no download); identical
 * content is deduplicated by W&B, so no extra version appears on a retry or a re-sync.
 * Returns null when the provider no longer has the file (as WandbLogger, the sync goes on without it).
 */
export async function logDatasetArtifact(
  deps: WandbActivityDeps,
  input: LogDatasetInput,
): Promise<LoggedDataset | null> {
  const wandb = requireWandb(deps);
  const { name, type } = datasetArtifactName(input.role, input.fileId);
  const { entity, project } = input.target;
  const ref = `${entity}/${project}/${name}:${input.fileId}`;
  return withPulse(async () => {
    const ctx = Context.current();
    const signal = ctx.cancellationSignal;
    if (!input.overwrite) {
      const existing = await wandbCalling(`Looking up ${ref}`, () => wandb.fetchArtifact(ref));
      if (existing) {
        await wandbCalling(`Using ${ref}`, () =>
          wandb.useArtifact({ entity, project, runId: input.runId, artifactId: existing.id }),
        );
        const items = existing.metadata.items;
        return { ref, items: typeof items === 'number' ? items : null, reused: true };
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'tf-dataset-'));
    let tablePath: string | undefined;
    try {
      const path = join(dir, 'data.jsonl');
      if (!(await download(deps, input.fileId, path, signal))) {
        ctx.log.warn('dataset file could not be retrieved; logging the run without it', {
          fileId: input.fileId,
        });
        return null;
      }
      // Described as the job saw it: its model's tokenizer, its method's format (a DPO file is
      // no error for a DPO job); validation data is not trained on, so it carries no cost.
      const report = await validateDatasetFile(path, {
        model: input.model ?? DEFAULT_DESCRIBE_MODEL,
        method: input.method ?? 'supervised',
        minExamples: 0,
        piiScan: false,
        signal,
      });
      if (input.role === 'validation') delete report.cost;
      const table = await writeDatasetTable(path, report.format, signal);
      tablePath = table.localPath;
      const logged = await wandbCalling(`Logging ${ref}`, () =>
        wandb.logArtifact({
          entity,
          project,
          runId: input.runId,
          role: 'input',
          name,
          type,
          metadata: { ...datasetArtifactMetadata(report), provider_file_id: input.fileId },
          aliases: [input.fileId],
          files: [
            { path: input.fileId, source: { path } },
            { path: `${input.fileId}.table.json`, source: { path: table.localPath } },
          ],
        }),
      );
      return { ref, items: report.rows, reused: logged.deduplicated };
    } finally {
      await rm(dir, { recursive: true, force: true });
      if (tablePath) await rm(tablePath, { force: true });
    }
  });
}

/** Pipeline mode: the dataset version logged before upload becomes the run's input. */
export async function useDatasetArtifact(
  deps: WandbActivityDeps,
  input: { target: WandbTarget; runId: string; ref: string; fileId: string },
): Promise<{ ref: string }> {
  const wandb = requireWandb(deps);
  const version = await wandbCalling(`Looking up ${input.ref}`, () =>
    wandb.fetchArtifact(input.ref),
  );
  if (!version) throw artifactGone(input.ref);
  await wandbCalling(`Using ${input.ref}`, () =>
    wandb.useArtifact({
      ...input.target,
      runId: input.runId,
      artifactId: version.id,
      artifactEntity: version.entity,
      artifactProject: version.project,
    }),
  );
  return { ref: input.ref };
}
