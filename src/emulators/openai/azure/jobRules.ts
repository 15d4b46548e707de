import type { EmulatorContext } from '../context.js';
import { invalidRequest } from '../errors.js';
import type { AzureJobInfo, JobRules } from '../flavor.js';
import type { JobRecord } from '../records.js';
import { AzureCatalog } from './catalog.js';
import { baseModelNotSupported } from './errors.js';
import type { ResolvedAzureOptions } from './options.js';
import { azureResultsCsv } from './resultsCsv.js';
import { azureJobView } from './views.js';

const SUFFIX = /^[A-Za-z0-9_-]{1,40}$/;
/** `<base snapshot>.ft-<32 hex>` and an optional `-<suffix>` (facts §3.3). */
const FINE_TUNED = /^(.+)\.ft-[0-9a-f]{32}(?:-[A-Za-z0-9_-]+)?$/;
const CHECKPOINT_TAIL = /:ckpt-step-\d+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The base snapshot of a model name: itself, or what an Azure fine-tune was trained from. */
export const baseOf = (model: string): string =>
  FINE_TUNED.exec(model.replace(CHECKPOINT_TAIL, ''))?.[1] ?? model;

/**
 * Azure's fine-tuning job rules: a required top-level `trainingType` (Standard, GlobalStandard,
 * DeveloperTier; casing unverified, so any case is accepted and what was sent is kept), suffixes of
 * at most 40 characters from `[A-Za-z0-9_-]`, base models from the catalogue, `pending` first, no
 * metadata filter, model names `<base>.ft-<job hex>[-suffix]` and a plain `results.csv`.
 */
export function azureJobRules(
  options: ResolvedAzureOptions,
  catalog: AzureCatalog,
  jobInfo: Map<string, AzureJobInfo>,
): JobRules {
  return {
    initialStatus: 'pending',
    listOrder: options.listOrder,
    acceptsByteOrderMark: true,
    prepareCreate(raw) {
      if (!isObject(raw)) return { body: raw, record: () => undefined };
      const { trainingType, ...body } = raw;
      if (trainingType === undefined || trainingType === null || trainingType === '') {
        throw baseModelNotSupported();
      }
      if (typeof trainingType !== 'string') {
        throw invalidRequest(
          `Invalid type for 'trainingType': expected a string.`,
          'trainingType',
          'invalid_type',
        );
      }
      const tier = options.trainingTypes.find(
        (t) => t.toLowerCase() === trainingType.toLowerCase(),
      );
      if (!tier) {
        throw invalidRequest(
          `'${trainingType}' is not a supported trainingType. Supported values are: ${options.trainingTypes.join(', ')}.`,
          'trainingType',
          'invalid_value',
        );
      }
      if (typeof body.suffix === 'string' && !SUFFIX.test(body.suffix)) {
        throw invalidRequest(
          'The suffix may be at most 40 characters long and may contain only letters, digits, hyphens and underscores.',
          'suffix',
          'invalid_value',
        );
      }
      return { body, record: (job) => jobInfo.set(job.id, { trainingType, tier }) };
    },
    resolveModel(requested) {
      const snapshot = catalog.trainable(requested);
      if (snapshot) return snapshot;
      // Continued training of an Azure fine-tune: its base must still be trainable.
      if (FINE_TUNED.test(requested) && catalog.trainable(baseOf(requested))) return requested;
      throw baseModelNotSupported();
    },
    listFilter: () => undefined,
    view: (job: JobRecord, ctx: EmulatorContext) =>
      azureJobView(job, ctx.organizationId, options.echoMetadata),
    modelNames(job) {
      const hex = job.id.slice('ftjob-'.length);
      const model = `${baseOf(job.model)}.ft-${hex}${job.suffix ? `-${job.suffix}` : ''}`;
      // Checkpoint model names: a guess after the OpenAI pattern.
      return { model, checkpoint: (step) => `${model}:ckpt-step-${step}` };
    },
    results: (history) => ({ filename: 'results.csv', csv: azureResultsCsv(history) }),
  };
}
