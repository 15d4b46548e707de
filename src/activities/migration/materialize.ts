import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { ErrorType } from '../../shared/errorTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import { requireWandb, type WandbActivityDeps } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { fetchVersion } from '../wandb/promotion.js';

/** Where datasets fetched from W&B are kept: content-addressed, so a repeat finds them. */
export function datasetCacheDir(): string {
  return process.env.FINETUNE_DATA_DIR || join(tmpdir(), 'finetune-datasets');
}

/**
 * Brings an exact W&B dataset version onto this worker's disk (FINETUNE_DATA_DIR) and returns
 * the file path a pipeline can be started on. Workers serving one task queue must share that
 * directory (a volume) when there are several of them.
 */
export async function materializeDataset(
  deps: WandbActivityDeps,
  input: { target: WandbTarget; ref: string },
): Promise<{ path: string; digest: string }> {
  const wandb = requireWandb(deps);
  const v = await fetchVersion(wandb, input.target, input.ref);
  if (!v)
    throw ApplicationFailure.nonRetryable(`${input.ref} is not in W&B`, ErrorType.WandbNotFound);
  const dir = join(datasetCacheDir(), v.digest);
  const manifest = await wandbCalling(`Reading ${input.ref}`, () =>
    wandb.fetchArtifactManifest(v.id),
  );
  const name = Object.keys(manifest.contents).find((p) => p.endsWith('.jsonl') && !p.includes('/'));
  if (!name)
    throw ApplicationFailure.nonRetryable(
      `${input.ref} holds no JSONL file`,
      ErrorType.WandbNotFound,
    );
  const path = join(dir, name);
  const have = await stat(path).catch(() => null);
  if (!have) {
    const staging = `${dir}.partial-${process.pid}-${Date.now()}`;
    await mkdir(staging, { recursive: true });
    try {
      await wandbCalling(`Downloading ${input.ref}`, () =>
        wandb.downloadArtifact(v.id, staging, { signal: Context.current().cancellationSignal }),
      );
      await mkdir(datasetCacheDir(), { recursive: true });
      await rename(staging, dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // another attempt won
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return { path, digest: v.digest };
}
