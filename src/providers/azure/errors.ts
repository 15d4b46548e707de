import { openAIApiFailure, type ApiIdentity } from '../openaiApi/errors.js';

/**
 * Azure OpenAI's data-plane errors, mapped once (src/providers/openaiApi/errors.ts), naming
 * Azure's own settings: a refused key is AZURE_OPENAI_API_KEY's (or the worker's Entra
 * identity's), never OPENAI_API_KEY's. The management plane maps its own (arm.ts).
 */
export const AZURE_IDENTITY: ApiIdentity = {
  label: 'Azure OpenAI',
  keyHint:
    'Set a valid AZURE_OPENAI_API_KEY (or leave it unset and give the worker an Entra identity with access to the resource, AZURE_OPENAI_SCOPE)',
};

export const azureFailure = openAIApiFailure(AZURE_IDENTITY);
