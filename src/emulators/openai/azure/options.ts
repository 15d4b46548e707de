import type { AzureCatalogModel } from './catalog.js';

/**
 * Settings of the Azure flavour. Every behaviour the facts sheet marks unverified is a knob here
 * (or documented as a guess in the README).
 */
export interface AzureOptions {
  /** Entra tokens accepted as `Authorization: Bearer …` on the data plane, besides `apiKey`. */
  entraTokens?: string[];
  /**
   * The management-plane bearer token. When unset, ARM accepts any non-empty bearer token except
   * the data-plane `apiKey` (API keys do not work on ARM).
   */
  armToken?: string;
  /** Echo a job's `metadata` in responses (default true; unverified). false answers `null`. */
  echoMetadata?: boolean;
  /** Order of job and event lists (default `newest-first`; unverified). */
  listOrder?: 'newest-first' | 'oldest-first';
  /** Serve the Uploads API under /openai/v1/uploads (default false: 404, as spec-v1 has none). */
  uploads?: boolean;
  /**
   * Accepted `trainingType` values, matched case-insensitively (default Standard,
   * GlobalStandard, DeveloperTier; the wire casing is unverified).
   */
  trainingTypes?: string[];
  /** The ARM deployments' timing and fate. */
  deployments?: AzureDeploymentOptions;
  /**
   * The catalogue `GET …/locations/{location}/models` answers with; it also decides which base
   * models may be trained (`deprecation.fineTune` in the future) and served
   * (`deprecation.inference` in the future). Default: the table in catalog.ts. Entries are read
   * on every request, so a test may move a date while the emulator runs.
   */
  models?: AzureCatalogModel[];
}

export interface AzureDeploymentOptions {
  /** How long a new deployment shows `Creating` before `Succeeded` (default 1500 ms). */
  creatingMs?: number;
  /** After `Succeeded`, how long chat completions still answer `DeploymentNotReady` (default 500 ms). */
  notReadyMs?: number;
  /** How long a deleted deployment shows `Deleting` (default 0: DELETE answers 200, gone at once). */
  deletingMs?: number;
  /** HTTP status of `DeploymentNotReady` (default 400; a guess). */
  notReadyStatus?: number;
  /** Lifetime of a DeveloperTier deployment (default 24 hours, as documented). */
  developerTierLifetimeMs?: number;
  /** Delete DeveloperTier deployments when their lifetime ends (default true, as documented). */
  autoDeleteDeveloperTier?: boolean;
  /** Decides that a deployment ends `Failed` instead of `Succeeded`. */
  fail?: (deployment: { name: string; model: string; sku: string }) => boolean;
}

export interface ResolvedAzureOptions {
  entraTokens: readonly string[];
  armToken: string | undefined;
  echoMetadata: boolean;
  listOrder: 'newest-first' | 'oldest-first';
  uploads: boolean;
  trainingTypes: readonly string[];
  deployments: Required<Omit<AzureDeploymentOptions, 'fail'>> & {
    fail: AzureDeploymentOptions['fail'];
  };
  models: readonly AzureCatalogModel[] | undefined;
}

export const DEFAULT_TRAINING_TYPES = ['Standard', 'GlobalStandard', 'DeveloperTier'];
const DAY_MS = 24 * 3600 * 1000;

export function resolveAzureOptions(o: AzureOptions = {}): ResolvedAzureOptions {
  const d = o.deployments ?? {};
  return {
    entraTokens: o.entraTokens ?? [],
    armToken: o.armToken,
    echoMetadata: o.echoMetadata ?? true,
    listOrder: o.listOrder ?? 'newest-first',
    uploads: o.uploads ?? false,
    trainingTypes: o.trainingTypes ?? DEFAULT_TRAINING_TYPES,
    deployments: {
      creatingMs: d.creatingMs ?? 1500,
      notReadyMs: d.notReadyMs ?? 500,
      deletingMs: d.deletingMs ?? 0,
      notReadyStatus: d.notReadyStatus ?? 400,
      developerTierLifetimeMs: d.developerTierLifetimeMs ?? DAY_MS,
      autoDeleteDeveloperTier: d.autoDeleteDeveloperTier ?? true,
      fail: d.fail,
    },
    models: o.models,
  };
}
