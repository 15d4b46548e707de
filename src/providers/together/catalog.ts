import { NotFoundError } from 'together-ai';
import type { FinetuneModelLimits } from 'together-ai/resources/fine-tuning';
import type { CostEstimate, RunwayReport } from '../../shared/providerTypes.js';
import type { EstimateInput, RequestCheck, RequestCheckInput } from '../types.js';
import type { TogetherClients } from './client.js';
import type { TogetherCalling } from './errors.js';
import { checkAgainstLimits, RUN_KEY_IN_NAME } from './limits.js';
import { togetherTraining } from './method.js';

/** What Together tells of its models: the fine-tunable list and each base's limits. */
export interface TogetherCatalog {
  supported(signal?: AbortSignal): Promise<string[]>;
  /** Undefined when Together has no limits for the model (404: it does not fine-tune it). */
  limits(model: string, signal?: AbortSignal): Promise<FinetuneModelLimits | undefined>;
  checkRunway(model: string, signal?: AbortSignal): Promise<RunwayReport>;
  checkRequest(input: RequestCheckInput, signal?: AbortSignal): Promise<RequestCheck>;
  estimateCost(input: EstimateInput, signal?: AbortSignal): Promise<CostEstimate>;
}

/** Answers are kept this long: the catalogue changes rarely, pre-flights come in bursts. */
const KEEP_MS = 10 * 60_000;

export function togetherCatalog(c: TogetherClients, calling: TogetherCalling): TogetherCatalog {
  let supported: { at: number; models: Promise<string[]> } | undefined;
  const limitsOf = new Map<
    string,
    { at: number; limits: Promise<FinetuneModelLimits | undefined> }
  >();
  const fresh = (at: number) => Date.now() - at < KEEP_MS;

  const catalog: TogetherCatalog = {
    supported(signal) {
      if (!supported || !fresh(supported.at)) {
        // No SDK method for it in 0.52 (facts sheet §4.3): a plain GET through the client.
        const models = calling('Reading the models Together fine-tunes', async () => {
          const res = await c.v1.get<{ models?: string[] }>('/fine-tunes/models/supported', {
            signal,
          });
          return res.models ?? [];
        });
        supported = { at: Date.now(), models };
        models.catch(() => (supported = undefined));
      }
      return supported.models;
    },
    limits(model, signal) {
      const kept = limitsOf.get(model);
      if (kept && fresh(kept.at)) return kept.limits;
      const limits = calling(`Reading Together's limits for ${model}`, async () => {
        try {
          return await c.v1.fineTuning.modelLimits({ model_name: model }, { signal });
        } catch (err) {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        }
      });
      limitsOf.set(model, { at: Date.now(), limits });
      limits.catch(() => limitsOf.delete(model));
      return limits;
    },
    async checkRunway(model, signal) {
      if (RUN_KEY_IN_NAME.test(model)) {
        // A fine-tune of ours (status, resolve): no end of serving is announced for it either.
        return { provider: 'together', model, trainableUntil: null, servingUntil: null, ok: true };
      }
      const models = await catalog.supported(signal);
      const report: RunwayReport = {
        provider: 'together',
        model,
        // Together announces no end of training or serving for its bases (none in its API).
        trainableUntil: null,
        servingUntil: null,
        ok: true,
      };
      if (!models.includes(model)) {
        const near = models.filter((m) =>
          m.toLowerCase().includes(model.split('/').pop()!.toLowerCase().slice(0, 8)),
        );
        report.ok = false;
        report.problem = `Together AI does not fine-tune "${model}" (not in its ${models.length} supported models${near.length ? `; close: ${near.slice(0, 3).join(', ')}` : ''}). Check the name, e.g. meta-llama/Meta-Llama-3.1-8B-Instruct-Reference.`;
      }
      return report;
    },
    async checkRequest(input, signal) {
      const limits = await catalog.limits(input.model, signal);
      if (!limits) {
        return {
          problems: [
            `Together AI publishes no fine-tuning limits for ${input.model}: it does not fine-tune it`,
          ],
        };
      }
      return checkAgainstLimits(input, limits);
    },
    async estimateCost(input, signal) {
      const t = togetherTraining(input.method, input.tuning, undefined, undefined);
      const res = await calling('Estimating the training price', () =>
        c.v1.fineTuning.estimatePrice(
          {
            training_file: input.trainingFileId,
            ...(input.validationFileId ? { validation_file: input.validationFileId } : {}),
            model: input.model,
            ...(t.n_epochs !== undefined ? { n_epochs: t.n_epochs } : {}),
            ...(t.n_evals !== undefined ? { n_evals: t.n_evals } : {}),
            ...(t.training_method ? { training_method: t.training_method } : {}),
            ...(t.training_type ? { training_type: t.training_type } : {}),
          },
          { signal },
        ),
      );
      if (!res.estimation_available) {
        return {
          source: 'provider',
          usd: null,
          allowedToProceed: null,
          unavailable: res.unavailable_reason,
        };
      }
      return {
        source: 'provider',
        // Dollars, as the spec's `user_limit` beside it (the unit is unverified: both are kept).
        usd: typeof res.estimated_total_price === 'number' ? res.estimated_total_price : null,
        // A missing answer is "unknown", never "allowed".
        allowedToProceed:
          typeof res.allowed_to_proceed === 'boolean' ? res.allowed_to_proceed : null,
        limitUsd: typeof res.user_limit === 'number' ? res.user_limit : null,
        trainTokens: res.estimated_train_token_count ?? null,
        evalTokens: res.estimated_eval_token_count ?? null,
      };
    },
  };
  return catalog;
}
