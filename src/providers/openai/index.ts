import OpenAI from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import { parseModelId } from '../../gates/index.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type { RunwayReport } from '../../shared/providerTypes.js';
import { localEstimate, openAIApiOperations, tuningRefusals } from '../openaiApi/operations.js';
import { daysUntil, servingWarning } from '../runwayDates.js';
import type { FineTuneProvider, ProviderCapabilities } from '../types.js';
import { OPENAI_IDENTITY } from './errors.js';

/** OpenAI ends fine-tuning job creation for every organisation on this day. */
export const OPENAI_TRAINING_ENDS = '2027-01-06';

const ALTERNATIVE =
  'Train on Azure OpenAI or Together AI instead (a worker with FINETUNE_PROVIDER=azure or together; `finetune start --task-queue <its queue>`), or move a promoted model there with `finetune migrate --to azure|together`.';

export interface OpenAIProviderOptions {
  client: OpenAI;
  /** Override of the end of job creation (tests; a later announcement). */
  trainingEnds?: string | null;
}

/** A provider that speaks OpenAI's API through the `openai` package (tests use its client). */
export type OpenAIApiProvider = FineTuneProvider & { readonly client: OpenAI };

export const OPENAI_CAPABILITIES: ProviderCapabilities = {
  webhooks: true,
  jobMetadata: 'filtered',
  deploymentStep: 'none',
  priceEstimate: 'local',
  upload: { maxFileBytes: 512 * 1024 * 1024, parts: 'yes' },
  timeLeft: 'job',
  methods: ['supervised', 'dpo', 'reinforcement'],
  suffix: { maxLength: 64, pattern: /^.{1,64}$/s, describe: '1 to 64 characters' },
};

/** `ft:<base>:<org>:<suffix>:<id>` fine-tunes (checkpoints included) and Azure's `<base>.ft-<hex>`. */
export const OPENAI_MODEL_IDS = {
  isFineTuned: (model: string) => parseModelId(model).fineTuned,
  baseOf: (model: string) => parseModelId(model).base,
  example: 'ft:gpt-4.1-mini-2025-04-14:my-org:support:AbC123',
};

/**
 * OpenAI itself: models are called by their id, nothing to deploy; job metadata filters work on
 * the server; the Uploads API takes large files in parts; signed webhooks.
 */
export function openAIProvider(options: OpenAIProviderOptions): OpenAIApiProvider {
  const { client } = options;
  const trainingEnds =
    options.trainingEnds === undefined ? OPENAI_TRAINING_ENDS : options.trainingEnds;
  const ops = openAIApiOperations(client, OPENAI_IDENTITY, OPENAI_CAPABILITIES.upload, {
    filtersJobsByMetadata: true,
  });
  return {
    name: 'openai',
    label: 'OpenAI',
    client,
    capabilities: OPENAI_CAPABILITIES,
    suffix: OPENAI_CAPABILITIES.suffix,
    modelId: OPENAI_MODEL_IDS,
    files: ops.files,
    jobs: ops.jobs,
    results: ops.results,
    chat: ops.chat,
    toFailure: ops.toFailure,
    checkRequest: (input) => Promise.resolve({ problems: tuningRefusals('OpenAI', input.tuning) }),
    estimateCost: (input) => Promise.resolve(localEstimate(input.localUsd)),
    servingStates: () => Promise.resolve([]),
    sweepEvalServing: () => Promise.resolve([]),
    async checkRunway(model, nowMs, signal): Promise<RunwayReport> {
      const base = parseModelId(model).fineTuned ? parseModelId(model).base : model;
      let servingUntil: string | null = null;
      try {
        const m = await client.models.retrieve(base, { signal });
        servingUntil = (m as { shutdown_date?: string | null }).shutdown_date ?? null;
      } catch (err) {
        if (err instanceof OpenAI.NotFoundError) {
          return {
            provider: 'openai',
            model,
            trainableUntil: null,
            servingUntil: null,
            ok: false,
            problem: `OpenAI does not know the model "${base}" (404). Check the name, e.g. gpt-4.1-mini-2025-04-14.`,
          };
        }
        throw err;
      }
      const report: RunwayReport = {
        provider: 'openai',
        model,
        trainableUntil: trainingEnds,
        servingUntil,
        ok: true,
      };
      if (trainingEnds && daysUntil(trainingEnds, nowMs) < 0) {
        report.ok = false;
        report.problem = `OpenAI ended fine-tuning job creation on ${trainingEnds}. ${ALTERNATIVE}`;
      } else if (servingUntil && daysUntil(servingUntil, nowMs) < 0) {
        report.ok = false;
        report.problem = `${base} stopped serving on ${servingUntil}, so a fine-tune of it could not be used. Choose a current base model.`;
      }
      const warning = servingWarning(base, servingUntil, nowMs);
      if (warning) report.warning = `${warning}. ${ALTERNATIVE}`;
      return report;
    },
    serve: (req) => Promise.resolve({ provider: 'openai', model: req.model, servedAs: req.model }),
    unserve: () => Promise.resolve(),
    chatModelFor: (model) => model,
  };
}

/** A refusal of the runway check as a failure nobody should retry. */
export function runwayRefusal(report: RunwayReport): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    report.problem ?? 'training is not possible',
    ErrorType.NoTrainingRunway,
    report,
  );
}
