import type OpenAI from 'openai';
import type { FineTuneMethod } from '../../shared/types.js';

type ApiMethod = NonNullable<OpenAI.FineTuning.JobCreateParams['method']>;

/**
 * Our method shape (`{type, hyperparameters}`) to the API's, which nests the settings under the
 * method's own name: `{type: 'dpo', dpo: {hyperparameters}}`. Sending ours as-is is a 400.
 */
export function toApiMethod(method: FineTuneMethod | undefined): ApiMethod | undefined {
  if (!method) return undefined;
  switch (method.type) {
    case 'supervised':
      return { type: 'supervised', supervised: { hyperparameters: method.hyperparameters ?? {} } };
    case 'dpo':
      return { type: 'dpo', dpo: { hyperparameters: method.hyperparameters ?? {} } };
    case 'reinforcement':
      return {
        type: 'reinforcement',
        reinforcement: {
          grader: method.grader as unknown as OpenAI.FineTuning.ReinforcementMethod['grader'],
          hyperparameters: method.hyperparameters ?? {},
        },
      };
  }
}
