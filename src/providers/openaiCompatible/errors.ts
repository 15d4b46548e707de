import { openAIApiFailure, type ApiIdentity } from '../openaiApi/errors.js';

/**
 * The host's errors (its OpenAI API and its deployment call alike, both through the `openai`
 * client), mapped once by the shared mapping (src/providers/openaiApi/errors.ts), naming this
 * profile's own settings: a refused key is FINETUNE_COMPATIBLE_API_KEY's, never OPENAI_API_KEY's.
 */
export function compatibleIdentity(label: string): ApiIdentity {
  return {
    label,
    keyHint:
      'Set a valid FINETUNE_COMPATIBLE_API_KEY (a key of the host named by FINETUNE_COMPATIBLE_BASE_URL)',
  };
}

export const compatibleFailure = (label: string) => openAIApiFailure(compatibleIdentity(label));
