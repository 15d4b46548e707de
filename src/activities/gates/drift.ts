import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import { compareProfiles } from '../../gates/index.js';
import { profileDatasetFile } from '../../gates/profileFile.js';
import type { DatasetProfile, DriftFeature, DriftReport } from '../../shared/promotionTypes.js';
import type { FineTuneMethodType } from '../../shared/types.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { ArtifactVersion, WandbClient } from '../../wandb/index.js';
import { parseArtifactPath } from '../../wandb/index.js';
import { withPulse } from '../pulse.js';
import { requireWandb, type WandbActivityDeps } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { fetchVersion, versionRef } from '../wandb/promotion.js';

export interface MeasureDriftInput {
  target: WandbTarget;
  /** The candidate training file on the worker. */
  path: string;
  /** Its dataset version (`entity/project/name:vN`): the baseline is `name:<alias>`. */
  ref: string;
  alias: string;
  model: string;
  method: FineTuneMethodType;
  thresholds?: Partial<Record<DriftFeature['feature'], number>>;
}

/** A version's profile: recorded in its metadata at versioning, else measured on its file. */
async function profileOf(
  wandb: WandbClient,
  version: ArtifactVersion,
  input: MeasureDriftInput,
  signal: AbortSignal,
): Promise<DatasetProfile> {
  const recorded = version.metadata.profile as DatasetProfile | undefined;
  if (recorded && Array.isArray(recorded.tokenBins)) return recorded;
  const dir = await mkdtemp(join(tmpdir(), 'finetune-drift-'));
  try {
    const got = await wandbCalling(`Downloading ${versionRef(version)}`, () =>
      wandb.downloadArtifact(version.id, dir, { signal }),
    );
    const file = got.files.find((f) => f.path.endsWith('.jsonl'));
    if (!file) {
      throw ApplicationFailure.nonRetryable(
        `${versionRef(version)} holds no JSONL file to measure drift against`,
        ErrorType.WandbNotFound,
      );
    }
    return await profileDatasetFile(file.localPath, {
      model: input.model,
      method: input.method,
      signal,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The drift gate's measurement: the candidate training set against the dataset version that
 * holds the production alias in the same collection (none yet ⇒ no baseline, the gate passes).
 */
export async function measureDrift(
  deps: WandbActivityDeps,
  input: MeasureDriftInput,
): Promise<DriftReport> {
  const wandb = requireWandb(deps);
  return withPulse(async () => {
    const signal = Context.current().cancellationSignal;
    const { name } = parseArtifactPath(input.ref, input.target);
    const baseline = await fetchVersion(wandb, input.target, `${name}:${input.alias}`);
    const candidate = await profileDatasetFile(input.path, {
      model: input.model,
      method: input.method,
      signal,
    });
    if (!baseline)
      return { baseline: null, features: compareProfiles(candidate, null, input.thresholds) };
    const base = await profileOf(wandb, baseline, input, signal);
    return {
      baseline: versionRef(baseline),
      features: compareProfiles(candidate, base, input.thresholds),
    };
  });
}
