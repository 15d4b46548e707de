import { hardwareById } from '../catalog.js';
import type { Catalog } from '../catalog.js';
import type { TogetherIds } from '../ids.js';

/** Together's own project, which owns the public models and their configs. */
export const PUBLIC_PROJECT = 'proj_together_public';

export interface ConfigEntry {
  id: string;
  /** The base model the config is certified for. */
  base: string;
  /** `projects/{PUBLIC_PROJECT}/models/{ml}` of that base. */
  referenceModel: string;
  hardware: string;
}

/**
 * Immutable configs (`cr_…`, facts sheet §7.3): one per base model and hardware it runs on,
 * public, certified for that base (and so for its fine-tunes). Which configs exist and their
 * selectors are the emulator's; the shape is the SDK's `Config`.
 */
export class ConfigCatalog {
  readonly entries: ConfigEntry[] = [];
  private readonly baseModelIds = new Map<string, string>();

  /** What a saved state keeps: the ids the configs and base models were given. */
  snapshot(): { entries: ConfigEntry[]; baseModelIds: Map<string, string> } {
    return { entries: this.entries, baseModelIds: this.baseModelIds };
  }

  /** The ids of a saved state, so deployments made before a restart still name real configs. */
  restore(saved: { entries: ConfigEntry[]; baseModelIds: Map<string, string> }): void {
    this.entries.splice(0, this.entries.length, ...saved.entries);
    this.baseModelIds.clear();
    for (const [k, v] of saved.baseModelIds) this.baseModelIds.set(k, v);
  }

  constructor(catalog: Catalog, ids: TogetherIds) {
    for (const m of catalog.all()) {
      const ml = ids.v2('ml');
      this.baseModelIds.set(m.name, ml);
      for (const hardware of m.hardware) {
        this.entries.push({
          id: ids.v2('cr'),
          base: m.name,
          referenceModel: `projects/${PUBLIC_PROJECT}/models/${ml}`,
          hardware,
        });
      }
    }
  }

  get(id: string): ConfigEntry | undefined {
    return this.entries.find((c) => c.id === id);
  }

  forBase(base: string): ConfigEntry[] {
    return this.entries.filter((c) => c.base === base);
  }

  /** The base a public model resource name stands for. */
  baseOfResource(resource: string): string | undefined {
    for (const [name, ml] of this.baseModelIds) {
      if (resource === `projects/${PUBLIC_PROJECT}/models/${ml}`) return name;
    }
    return undefined;
  }
}

export function configView(c: ConfigEntry): Record<string, unknown> {
  const h = hardwareById(c.hardware);
  return {
    id: c.id,
    projectId: PUBLIC_PROJECT,
    referenceModel: c.referenceModel,
    referenceModelId: c.referenceModel.slice(c.referenceModel.lastIndexOf('/') + 1),
    certifications: [
      {
        certificationType: 'CERTIFICATION_TYPE_CERTIFIED',
        certifiedAt: '2026-10-01T00:00:00Z',
        certifiedBy: 'together',
        model: c.referenceModel,
        modelRevisionId: 'rv_public',
        target: 'CERTIFICATION_TARGET_MRE',
      },
    ],
    selectors: [
      { key: 'hardware', value: c.hardware },
      { key: 'gpu_type', value: h?.gpuType ?? 'unknown' },
      { key: 'gpu_count', value: String(h?.gpuCount ?? 1) },
    ],
  };
}
