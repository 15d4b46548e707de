/**
 * The models the emulator knows: what can be fine-tuned (with the limits `GET
 * /fine-tunes/models/limits` reports), what answers serverless chat, what dedicated hardware
 * can host it, and fine-tuning prices. Names follow Together's catalogue (skills
 * `supported-models.md`: Llama 3.x, Qwen3, Kimi K2 with its LoRA rank cap of 16); limit values,
 * context lengths and prices are plausible guesses shaped after the docs' size tiers. Tests may
 * pass their own table (`models` option).
 */
export interface CatalogModel {
  name: string;
  organization: string;
  /** Parameters, for `param_count` and the price tier. */
  params: number;
  contextLength: number;
  /** Fine-tunable (listed by `/fine-tunes/models/supported`, has limits). */
  fineTune?: FineTuneLimits;
  /** Answers chat completions by name without a deployment. */
  serverless: boolean;
  /** Hardware ids (see `HARDWARE`) that can host it or its fine-tunes; empty: none can. */
  hardware: string[];
}

export interface FineTuneLimits {
  maxEpochs: number;
  maxEvals: number;
  maxCheckpoints: number;
  minLearningRate: number;
  maxLearningRate: number;
  lora: {
    minBatch: number;
    maxBatch: number;
    maxBatchDpo: number;
    maxRank: number;
    targetModules: string[];
  };
  /** Absent: LoRA only. */
  full?: { minBatch: number; maxBatch: number; maxBatchDpo: number };
  maxSeqLengthSft: number;
  maxSeqLengthDpo: number;
  supportsVision: boolean;
  supportsTools: boolean;
  supportsReasoning: boolean;
  mergeOutputLora: boolean;
}

const LLAMA_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

function limits(overrides: Partial<FineTuneLimits> = {}): FineTuneLimits {
  return {
    maxEpochs: 20,
    maxEvals: 100,
    maxCheckpoints: 10,
    minLearningRate: 1e-6,
    maxLearningRate: 1e-2,
    lora: { minBatch: 8, maxBatch: 32, maxBatchDpo: 16, maxRank: 64, targetModules: LLAMA_MODULES },
    full: { minBatch: 8, maxBatch: 32, maxBatchDpo: 16 },
    maxSeqLengthSft: 131_072,
    maxSeqLengthDpo: 32_768,
    supportsVision: false,
    supportsTools: true,
    supportsReasoning: false,
    mergeOutputLora: true,
    ...overrides,
  };
}

export const DEFAULT_CATALOG: CatalogModel[] = [
  {
    name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
    organization: 'Meta',
    params: 8_030_261_248,
    contextLength: 131_072,
    fineTune: limits(),
    serverless: false,
    hardware: ['1x_nvidia_h100_80gb_sxm', '1x_nvidia_a100_80gb_sxm'],
  },
  {
    name: 'meta-llama/Llama-3.3-70B-Instruct-Reference',
    organization: 'Meta',
    params: 70_553_706_496,
    contextLength: 131_072,
    fineTune: limits({
      lora: {
        minBatch: 8,
        maxBatch: 16,
        maxBatchDpo: 8,
        maxRank: 64,
        targetModules: LLAMA_MODULES,
      },
      full: undefined,
    }),
    serverless: false,
    hardware: ['2x_nvidia_h100_80gb_sxm', '4x_nvidia_h100_80gb_sxm'],
  },
  {
    name: 'Qwen/Qwen3-8B',
    organization: 'Qwen',
    params: 8_190_735_360,
    contextLength: 40_960,
    fineTune: limits({ supportsReasoning: true, maxSeqLengthSft: 32_768, maxSeqLengthDpo: 16_384 }),
    serverless: true,
    hardware: ['1x_nvidia_h100_80gb_sxm', '1x_nvidia_a100_80gb_sxm'],
  },
  {
    name: 'moonshotai/Kimi-K2-Instruct',
    organization: 'Moonshot AI',
    params: 1_026_408_232_448,
    contextLength: 131_072,
    fineTune: limits({
      lora: {
        minBatch: 8,
        maxBatch: 8,
        maxBatchDpo: 8,
        maxRank: 16,
        targetModules: ['q_proj', 'o_proj', 'w_up', 'w_gate', 'w_down'],
      },
      full: undefined,
      mergeOutputLora: false,
    }),
    serverless: true,
    hardware: ['8x_nvidia_h200_140gb_sxm'],
  },
  {
    name: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    organization: 'Meta',
    params: 70_553_706_496,
    contextLength: 131_072,
    serverless: true,
    hardware: [],
  },
];

export interface Hardware {
  id: string;
  gpuType: string;
  gpuLink: string;
  gpuMemoryGib: number;
  gpuCount: number;
  centsPerHour: number;
  /** `insufficient` / `unavailable` hardware cannot start an endpoint (availability.status). */
  availability: 'available' | 'unavailable' | 'insufficient';
}

/** Per-replica prices are guesses of the right order (an H100 at a few dollars an hour). */
export const HARDWARE: Hardware[] = [
  {
    id: '1x_nvidia_a100_80gb_sxm',
    gpuType: 'a100-80gb',
    gpuLink: 'sxm',
    gpuMemoryGib: 80,
    gpuCount: 1,
    centsPerHour: 256,
    availability: 'available',
  },
  {
    id: '1x_nvidia_h100_80gb_sxm',
    gpuType: 'h100-80gb',
    gpuLink: 'sxm',
    gpuMemoryGib: 80,
    gpuCount: 1,
    centsPerHour: 399,
    availability: 'available',
  },
  {
    id: '2x_nvidia_h100_80gb_sxm',
    gpuType: 'h100-80gb',
    gpuLink: 'sxm',
    gpuMemoryGib: 80,
    gpuCount: 2,
    centsPerHour: 798,
    availability: 'available',
  },
  {
    id: '4x_nvidia_h100_80gb_sxm',
    gpuType: 'h100-80gb',
    gpuLink: 'sxm',
    gpuMemoryGib: 80,
    gpuCount: 4,
    centsPerHour: 1596,
    availability: 'available',
  },
  {
    id: '8x_nvidia_h200_140gb_sxm',
    gpuType: 'h200-140gb',
    gpuLink: 'sxm',
    gpuMemoryGib: 141,
    gpuCount: 8,
    centsPerHour: 4399,
    availability: 'insufficient',
  },
];

export const hardwareById = (id: string): Hardware | undefined => HARDWARE.find((h) => h.id === id);

/**
 * Fine-tuning price in dollars per million trained tokens, by size tier, method and LoRA/full
 * (docs pricing: per token processed, rate by model size × SFT/DPO × LoRA/Full; the figures
 * are of the documented order, not quoted).
 */
export function pricePerMillionTokens(
  model: CatalogModel,
  method: 'sft' | 'dpo',
  type: 'Lora' | 'Full',
): number {
  const tier = model.params <= 16e9 ? 0 : model.params <= 69e9 ? 1 : model.params <= 100e9 ? 2 : 3;
  const lora = [0.48, 1.5, 2.9, 6.0][tier]!;
  const full = [0.54, 1.65, 3.2, 7.0][tier]!;
  const base = type === 'Full' ? full : lora;
  return method === 'dpo' ? base * 2.5 : base;
}

export class Catalog {
  constructor(private readonly models: readonly CatalogModel[]) {}

  get(name: string): CatalogModel | undefined {
    return this.models.find((m) => m.name === name);
  }

  all(): readonly CatalogModel[] {
    return this.models;
  }

  fineTunable(): CatalogModel[] {
    return this.models.filter((m) => m.fineTune);
  }
}
