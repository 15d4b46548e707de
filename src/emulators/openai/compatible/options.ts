/** The `openai-compatible` flavour's settings (a Nebius Token Factory-like host). */
export interface CompatibleOptions {
  /** The deployment call (`/v0/models`): how long a model validates, and which fail to. */
  customModels?: {
    /** Real time a new model stays `validating` before it is `active` (default 500 ms). */
    validatingMs?: number;
    /** Decides, by the name asked for and its job, that a model ends in `error`, never `active`. */
    failActivation?: (name: string, job: { suffix: string | null }) => boolean;
  };
}

export interface ResolvedCompatibleOptions {
  validatingMs: number;
  failActivation: (name: string, job: { suffix: string | null }) => boolean;
}

export function resolveCompatibleOptions(
  o: CompatibleOptions | undefined,
): ResolvedCompatibleOptions {
  return {
    validatingMs: o?.customModels?.validatingMs ?? 500,
    failActivation: o?.customModels?.failActivation ?? (() => false),
  };
}
