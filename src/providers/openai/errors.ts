import { openAIApiFailure, type ApiIdentity } from '../openaiApi/errors.js';

/** OpenAI's errors, mapped once (src/providers/openaiApi/errors.ts), naming OpenAI's key setting. */
export const OPENAI_IDENTITY: ApiIdentity = {
  label: 'OpenAI',
  keyHint: 'Set a valid OPENAI_API_KEY',
};

export const openAIFailure = openAIApiFailure(OPENAI_IDENTITY);
