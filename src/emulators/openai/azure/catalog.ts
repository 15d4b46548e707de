/**
 * The model catalogue of the emulated Azure resource: which base models exist, which can be
 * fine-tuned, and when training and inference on them retire. Dates are the facts sheet's §6
 * (retire-sched / retire-policy, late 2026) for fine-tuned models: training "no earlier than",
 * deployment (inference) retirement. Lifecycle states and capabilities are plausible guesses.
 */
export interface AzureCatalogModel {
  /** The model name as ARM writes it, e.g. `gpt-4.1-mini`. */
  name: string;
  /** Its version, e.g. `2025-04-14` (the snapshot id is `${name}-${version}`). */
  version: string;
  /** ARM `lifecycleStatus`: GenerallyAvailable, Preview, Deprecating (docs: "Deprecated"), Deprecated. */
  lifecycleStatus: string;
  /** `deprecation.fineTune` as YYYY-MM-DD: no training from that day (null: none announced). */
  fineTuneRetirement: string | null;
  /** `deprecation.inference` as YYYY-MM-DD: no deployments or inference from that day. */
  inferenceRetirement: string | null;
  /** Deployment SKUs offered. */
  skus: string[];
  /** Whether the model can be fine-tuned at all (default true). */
  fineTune?: boolean;
  /** What its deployments serve (default `chat`): chat completions or embeddings. */
  kind?: 'chat' | 'embeddings';
}

const ALL_TIERS = ['Standard', 'DataZoneStandard', 'GlobalStandard', 'DeveloperTier'];

// Embedding models: deployable (not fine-tunable), served on `…/embeddings`. Versions as Azure
// names them (3-small and 3-large "1", ada-002 "2"); no retirement dates, lifecycle and SKUs are
// guesses.
const EMBEDDING_MODELS: readonly AzureCatalogModel[] = [
  ['text-embedding-3-small', '1'],
  ['text-embedding-3-large', '1'],
  ['text-embedding-ada-002', '2'],
].map(([name, version]) => ({
  name: name!,
  version: version!,
  lifecycleStatus: 'GenerallyAvailable',
  fineTuneRetirement: null,
  inferenceRetirement: null,
  skus: ['Standard', 'GlobalStandard'],
  fineTune: false,
  kind: 'embeddings' as const,
}));

export const DEFAULT_CATALOG: readonly AzureCatalogModel[] = [
  ...['gpt-4o-mini:2024-07-18', 'gpt-4o:2024-08-06'].map((m) => ({
    name: m.split(':')[0]!,
    version: m.split(':')[1]!,
    lifecycleStatus: 'Deprecating',
    fineTuneRetirement: '2027-04-01',
    inferenceRetirement: '2027-10-01',
    skus: ALL_TIERS,
  })),
  ...['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano'].map((name) => ({
    name,
    version: '2025-04-14',
    lifecycleStatus: 'Deprecating',
    fineTuneRetirement: '2027-04-14',
    inferenceRetirement: '2027-10-14',
    skus: ALL_TIERS,
  })),
  {
    name: 'o4-mini',
    version: '2025-04-16',
    lifecycleStatus: 'Deprecating',
    fineTuneRetirement: '2027-04-16',
    inferenceRetirement: '2027-10-16',
    skus: ['Standard', 'DataZoneStandard', 'GlobalStandard'],
  },
  {
    // GA until 2027-02-06 (retire-sched); no separate training date found: the same day, a guess.
    name: 'gpt-5',
    version: '2025-08-07',
    lifecycleStatus: 'GenerallyAvailable',
    fineTuneRetirement: '2027-02-06',
    inferenceRetirement: '2027-02-06',
    skus: ALL_TIERS,
  },
  ...EMBEDDING_MODELS,
];

const dayStartMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const passed = (date: string | null, nowMs: number): boolean =>
  date !== null && dayStartMs(date) <= nowMs;
const armDate = (date: string | null): string | undefined =>
  date === null ? undefined : `${date}T00:00:00Z`;

export class AzureCatalog {
  constructor(readonly models: readonly AzureCatalogModel[] = DEFAULT_CATALOG) {}

  static snapshotOf(m: AzureCatalogModel): string {
    return `${m.name}-${m.version}`;
  }

  /** The entry for a snapshot id (`gpt-4.1-mini-2025-04-14`) or a bare name (`gpt-4.1-mini`). */
  find(requested: string, version?: string): AzureCatalogModel | undefined {
    if (version !== undefined) {
      return this.models.find((m) => m.name === requested && m.version === version);
    }
    return (
      this.models.find((m) => AzureCatalog.snapshotOf(m) === requested) ??
      this.models.find((m) => m.name === requested)
    );
  }

  /** The snapshot a job may train on now, or undefined (unknown, not fine-tunable, or retired). */
  trainable(requested: string, nowMs = Date.now()): string | undefined {
    const m = this.find(requested);
    if (!m || m.fineTune === false || passed(m.fineTuneRetirement, nowMs)) return undefined;
    return AzureCatalog.snapshotOf(m);
  }

  /** Whether inference on a snapshot (or the models trained from it) has retired. */
  inferenceRetired(snapshot: string, nowMs = Date.now()): boolean {
    const m = this.find(snapshot);
    return m !== undefined && passed(m.inferenceRetirement, nowMs);
  }

  /** One entry of ARM's models list. */
  static view(m: AzureCatalogModel) {
    const fineTune = m.fineTune !== false;
    const serves = m.kind === 'embeddings' ? { embeddings: 'true' } : { chatCompletion: 'true' };
    return {
      kind: 'OpenAI',
      skuName: 'S0',
      model: {
        format: 'OpenAI',
        name: m.name,
        version: m.version,
        lifecycleStatus: m.lifecycleStatus,
        capabilities: {
          ...serves,
          ...(fineTune ? { fineTune: 'true' } : {}),
        },
        deprecation: {
          ...(fineTune && m.fineTuneRetirement ? { fineTune: armDate(m.fineTuneRetirement) } : {}),
          ...(m.inferenceRetirement ? { inference: armDate(m.inferenceRetirement) } : {}),
        },
        skus: m.skus.map((name) => ({
          name,
          usageName: `OpenAI.${name}.${m.name}`,
          ...(m.inferenceRetirement ? { deprecationDate: armDate(m.inferenceRetirement) } : {}),
        })),
      },
    };
  }
}
