import { z } from 'zod';
import { DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE } from './activities/openai/deps.js';
import { TASK_QUEUE } from './shared/types.js';

// Worker-side settings from the environment. Secrets stay here: they never enter workflow
// inputs, history or logs.
// Compose files pass unset variables as "": treat an empty value as absent.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const WorkerEnv = z.object({
  OPENAI_API_KEY: z
    .string({ error: 'OPENAI_API_KEY is not set: the worker needs it to call OpenAI' })
    .min(1, 'OPENAI_API_KEY is not set: the worker needs it to call OpenAI'),
  OPENAI_BASE_URL: optional(z.url()),
  /** Without it the pipeline runs and W&B steps are skipped; the sync workflows refuse to start. */
  WANDB_API_KEY: optional(z.string()),
  WANDB_BASE_URL: optional(z.url()),
  WANDB_ENTITY: optional(z.string()),
  FINETUNE_TASK_QUEUE: z.string().min(1).default(TASK_QUEUE),
  FINETUNE_MULTIPART_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_MULTIPART_THRESHOLD),
  FINETUNE_PART_SIZE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(DEFAULT_PART_SIZE),
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = WorkerEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new ConfigError(`The worker's environment is incomplete:\n${problems}`);
  }
  return parsed.data;
}
