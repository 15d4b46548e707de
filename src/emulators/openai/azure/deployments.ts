import type { DeploymentInfo } from '../flavor.js';
import type { ResolvedAzureOptions } from './options.js';

export type ProvisioningState = 'Accepted' | 'Creating' | 'Succeeded' | 'Failed' | 'Deleting';

export interface DeploymentRecord {
  name: string;
  accountId: string;
  sku: { name: string; capacity: number };
  /** The SKU as the catalogue spells it (the request may use any case). */
  tier: string;
  model: { format: string; name: string; version: string };
  serves: string;
  createdAtMs: number;
  modifiedAtMs: number;
  /** When `Creating` ends (`Succeeded` or `Failed`). */
  provisionedAtMs: number;
  /** When chat completions start to answer (end of the `DeploymentNotReady` window). */
  readyAtMs: number;
  fails: boolean;
  expiresAtMs: number | null;
  /** Set by DELETE: the deployment shows `Deleting` until then, and is gone after. */
  deletedAtMs: number | null;
}

/**
 * The deployments of the emulated account. States follow the clock, read when asked (no timers):
 * `Creating` for `creatingMs`, then `Succeeded` (or `Failed`), then `DeploymentNotReady` on the
 * data plane for `notReadyMs`. DeveloperTier deployments disappear when their lifetime ends.
 * Names are unique per account, compared case-insensitively as ARM does.
 */
export class DeploymentStore {
  private readonly byName = new Map<string, DeploymentRecord>();

  constructor(private readonly options: ResolvedAzureOptions['deployments']) {}

  private prune(now: number): void {
    for (const [key, d] of this.byName) {
      const deleted = d.deletedAtMs !== null && now >= d.deletedAtMs;
      const expired =
        this.options.autoDeleteDeveloperTier && d.expiresAtMs !== null && now >= d.expiresAtMs;
      if (deleted || expired) this.byName.delete(key);
    }
  }

  get(name: string, now = Date.now()): DeploymentRecord | undefined {
    this.prune(now);
    return this.byName.get(name.toLowerCase());
  }

  all(now = Date.now()): DeploymentRecord[] {
    this.prune(now);
    return [...this.byName.values()];
  }

  /**
   * Creates a deployment (provisioning starts now) or updates one serving the same model (its
   * SKU changes; it stays as provisioned as it was).
   */
  put(
    d: Pick<DeploymentRecord, 'name' | 'accountId' | 'sku' | 'tier' | 'model' | 'serves'>,
    now = Date.now(),
  ): DeploymentRecord {
    const previous = this.get(d.name, now);
    const kept = previous?.serves === d.serves ? previous : undefined;
    const provisionedAtMs = kept?.provisionedAtMs ?? now + this.options.creatingMs;
    const developer = d.tier === 'DeveloperTier';
    const record: DeploymentRecord = {
      ...d,
      name: previous?.name ?? d.name,
      createdAtMs: previous?.createdAtMs ?? now,
      modifiedAtMs: now,
      provisionedAtMs,
      readyAtMs: kept?.readyAtMs ?? provisionedAtMs + this.options.notReadyMs,
      fails:
        kept?.fails ??
        this.options.fail?.({ name: d.name, model: d.model.name, sku: d.sku.name }) ??
        false,
      expiresAtMs: developer
        ? (previous?.createdAtMs ?? now) + this.options.developerTierLifetimeMs
        : null,
      deletedAtMs: null,
    };
    this.byName.set(d.name.toLowerCase(), record);
    return record;
  }

  /** Starts deleting; true when it is gone at once (no `Deleting` phase). */
  delete(d: DeploymentRecord, now = Date.now()): boolean {
    d.deletedAtMs = now + this.options.deletingMs;
    this.prune(now);
    return !this.byName.has(d.name.toLowerCase());
  }

  static state(d: DeploymentRecord, now = Date.now()): ProvisioningState {
    if (d.deletedAtMs !== null) return 'Deleting';
    if (now < d.provisionedAtMs) return 'Creating';
    return d.fails ? 'Failed' : 'Succeeded';
  }

  /** Data plane: `ready`, or why not (still provisioning counts as not found, as observed). */
  static readiness(d: DeploymentRecord, now = Date.now()): 'ready' | 'not-ready' | 'absent' {
    const state = DeploymentStore.state(d, now);
    if (state !== 'Succeeded') return 'absent';
    return now < d.readyAtMs ? 'not-ready' : 'ready';
  }

  static info(d: DeploymentRecord, now = Date.now()): DeploymentInfo {
    return {
      name: d.name,
      accountId: d.accountId,
      sku: { ...d.sku },
      model: { ...d.model },
      serves: d.serves,
      provisioningState: DeploymentStore.state(d, now),
      ready: DeploymentStore.readiness(d, now) === 'ready',
      createdAtMs: d.createdAtMs,
      expiresAtMs: d.expiresAtMs,
    };
  }

  /** For a snapshot: the deployments as they are (their states follow the clock). */
  snapshot(): Map<string, DeploymentRecord> {
    return this.byName;
  }

  restore(saved: ReadonlyMap<string, DeploymentRecord>): void {
    this.byName.clear();
    for (const [key, d] of saved) this.byName.set(key, d);
  }
}
