/** The `openai-compatible` flavour's settings (a Nebius Token Factory-like host). */
export interface CompatibleOptions {
  /** `false`: a succeeded job's `fine_tuned_model` stays null (a host that names adapters only when deployed). */
  namesFineTunedModel?: boolean;
  /** The deployment call (`/v0/models`): how long a model validates, and which fail to. */
  customModels?: {
    /** Real time a new model stays `validating` before it is `active` (default 500 ms). */
    validatingMs?: number;
    /** Decides, by the name asked for and its job, that a model ends in `error`, never `active`. */
    failActivation?: (name: string, job: { suffix: string | null }) => boolean;
  };
}

export interface ResolvedCompatibleOptions {
  namesFineTunedModel: boolean;
  validatingMs: number;
  failActivation: (name: string, job: { suffix: string | null }) => boolean;
}

export function resolveCompatibleOptions(
  o: CompatibleOptions | undefined,
): ResolvedCompatibleOptions {
  return {
    namesFineTunedModel: o?.namesFineTunedModel ?? true,
    validatingMs: o?.customModels?.validatingMs ?? 500,
    failActivation: o?.customModels?.failActivation ?? (() => false),
  };
}
