import { TASK_QUEUE } from '../shared/types.js';

/**
 * The providers a worker can train on (FINETUNE_PROVIDER), what the CLI offers and where each
 * listens by default: one provider per worker and per task queue. A new provider adds a line
 * here, a folder beside the others and an emulator flavour; nothing above `src/providers/`.
 */
export interface ProviderEntry {
  name: string;
  label: string;
  /** The default task queue of its workers. */
  taskQueue: string;
  /** What its worker needs set, for help texts. */
  settings: string;
}

export const PROVIDERS: readonly ProviderEntry[] = [
  { name: 'openai', label: 'OpenAI', taskQueue: TASK_QUEUE, settings: 'OPENAI_API_KEY' },
  {
    name: 'azure',
    label: 'Azure OpenAI',
    taskQueue: `${TASK_QUEUE}-azure`,
    settings: 'AZURE_OPENAI_ENDPOINT, and AZURE_OPENAI_API_KEY or an Entra identity',
  },
  {
    name: 'together',
    label: 'Together AI',
    taskQueue: `${TASK_QUEUE}-together`,
    settings: 'TOGETHER_API_KEY',
  },
  {
    name: 'openai-compatible',
    label: 'an OpenAI-compatible host',
    taskQueue: `${TASK_QUEUE}-compatible`,
    settings: 'FINETUNE_COMPATIBLE_BASE_URL and FINETUNE_COMPATIBLE_API_KEY',
  },
];

export const PROVIDER_NAMES = PROVIDERS.map((p) => p.name) as [string, ...string[]];

/** The task queue a worker of this provider listens on unless FINETUNE_TASK_QUEUE says otherwise. */
export function defaultTaskQueue(provider: string): string {
  return PROVIDERS.find((p) => p.name === provider)?.taskQueue ?? `${TASK_QUEUE}-${provider}`;
}

/** One line per provider, for help texts: `together (TOGETHER_API_KEY)`. */
export function providerChoicesText(): string {
  return PROVIDERS.map((p) => `${p.name} (${p.settings})`).join(', ');
}
