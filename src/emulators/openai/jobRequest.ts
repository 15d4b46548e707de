import { z } from 'zod';
import { invalidRequest, missingParameter, type ApiError } from './errors.js';

const auto = z.literal('auto');
const autoOr = <T extends z.ZodType>(schema: T) => z.union([auto, schema]);

const supervisedHyperparameters = z.strictObject({
  batch_size: autoOr(z.number().int().min(1).max(256)).optional(),
  learning_rate_multiplier: autoOr(z.number().positive()).optional(),
  n_epochs: autoOr(z.number().int().min(1).max(50)).optional(),
});
const dpoHyperparameters = supervisedHyperparameters.extend({
  beta: autoOr(z.number().gt(0).lte(2)).optional(),
});
const reinforcementHyperparameters = supervisedHyperparameters.extend({
  reasoning_effort: z.enum(['default', 'low', 'medium', 'high']).optional(),
  compute_multiplier: autoOr(z.number().gt(0.00001).lte(10)).optional(),
  eval_interval: autoOr(z.number().int().min(1)).optional(),
  eval_samples: autoOr(z.number().int().min(1)).optional(),
});

const method = z.strictObject({
  type: z.enum(['supervised', 'dpo', 'reinforcement']),
  supervised: z.strictObject({ hyperparameters: supervisedHyperparameters.optional() }).optional(),
  dpo: z.strictObject({ hyperparameters: dpoHyperparameters.optional() }).optional(),
  reinforcement: z
    .object({
      // Graders come in many shapes; the service validates them, the emulator only needs one.
      grader: z.record(z.string(), z.unknown()),
      hyperparameters: reinforcementHyperparameters.optional(),
    })
    .optional(),
});

const wandbIntegration = z.strictObject({
  type: z.literal('wandb'),
  wandb: z.strictObject({
    project: z.string().min(1),
    name: z.string().nullable().optional(),
    entity: z.string().nullable().optional(),
    tags: z.array(z.string().max(64)).max(50).optional(),
  }),
});

const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'at most 16 key-value pairs');

export const createJobBody = z.strictObject({
  model: z.string().min(1),
  training_file: z.string().min(1),
  validation_file: z.string().min(1).nullable().optional(),
  suffix: z.string().min(1).max(64).nullable().optional(),
  seed: z.number().int().min(0).max(2_147_483_647).nullable().optional(),
  method: method.optional(),
  hyperparameters: supervisedHyperparameters.optional(),
  integrations: z.array(wandbIntegration).max(5).nullable().optional(),
  metadata: metadata.nullable().optional(),
});

export type CreateJobBody = z.infer<typeof createJobBody>;

/** The body, or the 400 the API gives: missing parameter, unknown argument, or bad value (with `param`). */
export function parseCreateJobBody(body: unknown): CreateJobBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  const result = createJobBody.safeParse(body);
  if (result.success) {
    const m = result.data.method;
    if (m?.type === 'reinforcement' && !m.reinforcement?.grader) {
      throw missingParameter('method.reinforcement.grader');
    }
    return result.data;
  }
  throw toApiError(result.error.issues[0]!, body as Record<string, unknown>);
}

function toApiError(issue: z.core.$ZodIssue, body: Record<string, unknown>): ApiError {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${issue.path.join('.')}.` : '';
    return invalidRequest(
      `Unrecognized request argument supplied: ${where}${issue.keys.join(', ')}`,
      null,
      'unknown_parameter',
    );
  }
  const param = issue.path.join('.');
  const top = issue.path[0];
  if (issue.path.length === 1 && typeof top === 'string' && !(top in body))
    return missingParameter(param);
  return invalidRequest(`Invalid value for '${param}': ${issue.message}.`, param, 'invalid_value');
}
