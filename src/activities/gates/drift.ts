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
import { SYNC_DEFAULTS, type WandbTarget } from '../../shared/syncTypes.js';
import type { ArtifactVersion, WandbClient } from '../../wandb/index.js';
import { withPulse } from '../pulse.js';
import { requireWandb, type WandbActivityDeps } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { trainedOnOf } from '../wandb/governance.js';
import { fetchVersion, versionRef } from '../wandb/promotion.js';

export interface MeasureDriftInput {
  target: WandbTarget;
  /** The candidate training file on the worker. */
  path: string;
  /** Its dataset version (`entity/project/name:vN`); the baseline does not depend on its name. */
  ref: string;
  /** The alias that marks production on the model collection. */
  alias: string;
  model: string;
  method: FineTuneMethodType;
  thresholds?: Partial<Record<DriftFeature['feature'], number>>;
  /** The model collection whose `alias` version is production (default `model-metadata`). */
  modelCollection?: string;
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
 * The training set production was trained on: the production model version's recorded lineage
 * (its promotion's datasets), whatever the file was called. Null when nothing is in production.
 */
async function productionTrainingSet(
  wandb: WandbClient,
  input: MeasureDriftInput,
): Promise<{ model: ArtifactVersion; training: ArtifactVersion } | null> {
  const collection = input.modelCollection ?? SYNC_DEFAULTS.modelArtifactName;
  const model = await fetchVersion(wandb, input.target, `${collection}:${input.alias}`);
  if (!model) return null;
  const recorded = trainedOnOf(model.metadata).find((d) => d.role === 'training');
  const hint = 'Turn the gate off for this pipeline (--gate-drift off) to promote without it.';
  if (!recorded) {
    throw ApplicationFailure.nonRetryable(
      `the production model ${versionRef(model)} records no training dataset version, so there is nothing to measure drift against. ${hint}`,
      ErrorType.WandbNotFound,
    );
  }
  const training = await fetchVersion(wandb, input.target, recorded.ref);
  if (!training) {
    throw ApplicationFailure.nonRetryable(
      `the production model ${versionRef(model)} was trained on ${recorded.ref}, which is no longer in W&B. ${hint}`,
      ErrorType.WandbNotFound,
    );
  }
  return { model, training };
}

/**
 * Profiles binned with other edges (an older profile) or a bad threshold cannot be fixed by a
 * retry: the gate fails closed at once and says why, instead of retrying for an hour.
 */
export function comparable<T>(compare: () => T): T {
  try {
    return compare();
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `drift cannot be measured: ${err instanceof Error ? err.message : String(err)}`,
      ErrorType.GateCannotMeasure,
    );
  }
}

/**
 * The drift gate's measurement: the candidate training set against the training set of the model
 * in production (none yet ⇒ no baseline, the gate passes).
 */
export async function measureDrift(
  deps: WandbActivityDeps,
  input: MeasureDriftInput,
): Promise<DriftReport> {
  const wandb = requireWandb(deps);
  return withPulse(async () => {
    const signal = Context.current().cancellationSignal;
    const production = await productionTrainingSet(wandb, input);
    const candidate = await profileDatasetFile(input.path, {
      model: input.model,
      method: input.method,
      signal,
    });
    if (!production) {
      return {
        baseline: null,
        productionModel: null,
        features: compareProfiles(candidate, null, input.thresholds),
      };
    }
    const base = await profileOf(wandb, production.training, input, signal);
    return {
      baseline: versionRef(production.training),
      productionModel: versionRef(production.model),
      features: comparable(() => compareProfiles(candidate, base, input.thresholds)),
    };
  });
}
