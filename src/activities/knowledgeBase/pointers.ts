import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import type { KbMovePlan, KbMoveRequest } from '../../shared/knowledgeBaseTypes.js';
import type { PointerMove } from '../../vectorStores/index.js';
import { kbArtifacts } from '../../workflows/kb/rules.js';
import { planAliasMove } from '../wandb/promotion.js';
import { requireWandb } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { openStore, type KbActivityDeps } from './deps.js';
import { storeCalling } from './storeErrors.js';

// Moving a knowledge base's production: the store's pointer (what RAG services read) and the W&B
// alias on the index, documents and chunks versions (the record). The plan is read first and kept
// in history; the moves are compare-and-swap (store) and idempotent (W&B), so a retried or
// crash-resumed move never moves anything twice.

/** `v3` names a W&B index version; anything else a store version id. */
const isWandbVersion = (v: string) => /^v\d+$/.test(v) || v === 'latest' || v === 'production';

export async function planKbMove(deps: KbActivityDeps, req: KbMoveRequest): Promise<KbMovePlan> {
  const store = await openStore(req.store);
  const from =
    (await storeCalling(`Reading production of ${req.kb}`, () => store.production(req.kb)))
      ?.versionId ?? null;
  const replaced = (await store.rollbackTarget(req.kb))?.versionId ?? null;
  const collection = kbArtifacts(req.kb).index;
  const base = { kind: req.kind, kb: req.kb, store: req.store, from };
  if (req.kind === 'promote') {
    if (!req.to) throw new Error('unreachable: a promotion names the version it promotes');
    const wandb = req.wandb
      ? await planAliasMove(deps.wandb, {
          kind: 'promote',
          target: req.wandb.target,
          alias: 'production',
          collection,
          version: req.wandb.version,
          datasets: req.wandb.datasets,
        })
      : undefined;
    return { ...base, to: req.to, mode: 'promote', ...(wandb ? { wandb } : {}) };
  }
  if (req.toVersion && !isWandbVersion(req.toVersion) && req.wandb) {
    throw ApplicationFailure.nonRetryable(
      `--to ${req.toVersion}: with W&B on, name the index version to go back to as W&B numbers it (v3; \`finetune kb lineage\` lists them), so its documents and chunks move too.`,
      ErrorType.KbInvalidInput,
    );
  }
  if (req.wandb) {
    const plan = await planAliasMove(deps.wandb, {
      kind: 'rollback',
      target: req.wandb.target,
      alias: 'production',
      collection,
      version: req.toVersion,
    });
    const target = plan.moves.find((m) => m.role === 'model')!;
    const wandb = requireWandb(deps.wandb);
    const version = await wandbCalling(`Reading ${target.ref}`, () =>
      wandb.fetchArtifactById(target.id),
    );
    const to = version?.metadata.store_version;
    if (typeof to !== 'string') {
      throw ApplicationFailure.nonRetryable(
        `${target.ref} records no store version (store_version): it is not an index version this pipeline made.`,
        ErrorType.KbInvalidInput,
      );
    }
    return { ...base, to, mode: to === replaced ? 'rollback' : 'promote', wandb: plan };
  }
  const to = req.toVersion ?? replaced;
  if (!to) {
    throw ApplicationFailure.nonRetryable(
      `Production of ${req.kb} (${from ?? 'nothing'}) replaced nothing: there is no earlier version to roll back to. Name one with --to.`,
      ErrorType.NothingToRollBack,
    );
  }
  return { ...base, to, mode: to === replaced ? 'rollback' : 'promote' };
}

/** Moves the store's pointer as planned: compare-and-swap on what the plan saw. */
export async function moveKbPointer(deps: KbActivityDeps, plan: KbMovePlan): Promise<PointerMove> {
  const store = await openStore(plan.store);
  if (plan.mode === 'rollback' && plan.from) {
    const moved = await storeCalling(`Rolling production of ${plan.kb} back`, () =>
      store.rollback({ kb: plan.kb, expected: plan.from! }),
    );
    if (moved.to !== plan.to) {
      throw ApplicationFailure.nonRetryable(
        `Production of ${plan.kb} went back to ${moved.to}, not ${plan.to} as planned.`,
        ErrorType.KbStoreRefused,
      );
    }
    return moved;
  }
  return storeCalling(`Moving production of ${plan.kb} to ${plan.to}`, () =>
    store.promote({ kb: plan.kb, to: plan.to, expected: plan.from }),
  );
}
