import type { EmulatorContext } from '../context.js';
import type { ApiError } from '../errors.js';
import { AzureCatalog } from './catalog.js';
import { azureError } from './errors.js';
import { baseOf } from './jobRules.js';

/** SKU names of deployments (dep-types "SKU name in code"); requests may use any case. */
export const DEPLOYMENT_SKUS = [
  'GlobalStandard',
  'GlobalProvisionedManaged',
  'GlobalBatch',
  'DataZoneStandard',
  'DataZoneProvisionedManaged',
  'DataZoneBatch',
  'Standard',
  'ProvisionedManaged',
  'DeveloperTier',
];

/** Names: at most 64 letters, digits and hyphens (skills). */
const DEPLOYMENT_NAME = /^[A-Za-z0-9-]{1,64}$/;

export interface DeploymentRequest {
  sku: { name: string; capacity: number };
  tier: string;
  model: { format: string; name: string; version: string };
  serves: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Error codes below are guesses in ARM's style; the statuses follow the facts sheet.
const invalidContent = (message: string): ApiError =>
  azureError(400, 'InvalidRequestContent', message);

export function checkDeploymentName(name: string): ApiError | undefined {
  return DEPLOYMENT_NAME.test(name)
    ? undefined
    : azureError(
        400,
        'InvalidResourceName',
        `Resource name ${name} is invalid. The name can be up to 64 characters long, and may contain only letters, digits and hyphens.`,
      );
}

/**
 * The model a deployment would serve: a catalogue base model (`name` + `version`, or the
 * snapshot id), or a fine-tuned model or checkpoint (by model name or `ftchkpt-…` id) of a job
 * that succeeded here. Retired models (catalogue inference date passed) are refused.
 */
function servedModel(
  ctx: EmulatorContext,
  catalog: AzureCatalog,
  model: { name: string; version: string },
): string | undefined {
  const base =
    catalog.find(model.name, model.version) ??
    catalog.models.find((m) => AzureCatalog.snapshotOf(m) === model.name);
  if (base) return AzureCatalog.snapshotOf(base);
  for (const job of ctx.jobs.values()) {
    if (job.status !== 'succeeded') continue;
    if (job.fineTunedModel === model.name) return model.name;
    const checkpoint = job.checkpoints.find((c) => c.id === model.name || c.model === model.name);
    if (checkpoint) return checkpoint.model;
  }
  return undefined;
}

/** The PUT body `{sku: {name, capacity}, properties: {model: {format, name, version}}}`, checked. */
export function parseDeploymentBody(
  ctx: EmulatorContext,
  catalog: AzureCatalog,
  body: unknown,
): DeploymentRequest | ApiError {
  if (!isObject(body))
    return invalidContent('The request content was invalid and could not be deserialized.');
  const sku = body.sku;
  if (!isObject(sku) || typeof sku.name !== 'string') {
    return invalidContent("The deployment must have a 'sku' with a 'name'.");
  }
  const capacity = sku.capacity ?? 1;
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1) {
    return invalidContent("'sku.capacity' must be a positive integer.");
  }
  const skuName = sku.name;
  const tier = DEPLOYMENT_SKUS.find((s) => s.toLowerCase() === skuName.toLowerCase());
  if (!tier) {
    return azureError(
      400,
      'InvalidResourceProperties',
      `The specified SKU '${skuName}' for model deployment is not supported.`,
    );
  }
  const model = isObject(body.properties) ? body.properties.model : undefined;
  if (
    !isObject(model) ||
    typeof model.format !== 'string' ||
    typeof model.name !== 'string' ||
    typeof model.version !== 'string'
  ) {
    return invalidContent("'properties.model' must have 'format', 'name' and 'version' strings.");
  }
  const wanted = { format: model.format, name: model.name, version: model.version };
  const serves = model.format === 'OpenAI' ? servedModel(ctx, catalog, wanted) : undefined;
  if (!serves || catalog.inferenceRetired(baseOf(serves))) {
    return azureError(
      400,
      'DeploymentModelNotSupported',
      `The model 'Format:${wanted.format},Name:${wanted.name},Version:${wanted.version}' of account deployment is not supported.`,
    );
  }
  return { sku: { name: skuName, capacity }, tier, model: wanted, serves };
}
