import type { RollbackCandidate } from '../../shared/approvalTypes.js';
import type { AliasMoveRequest } from '../../shared/governanceTypes.js';
import type { WandbActivityDeps } from './deps.js';
import { requireWandb } from './deps.js';
import { fetchVersion, planAliasMove } from './promotion.js';

// What a signed rollback is bound to: the alias, and the model versions it leaves and goes to,
// each with its W&B digest (names the files), and the dataset versions that move with it.

export async function rollbackCandidate(
  deps: WandbActivityDeps,
  req: AliasMoveRequest,
): Promise<RollbackCandidate> {
  const plan = await planAliasMove(deps, { ...req, kind: 'rollback' });
  const wandb = requireWandb(deps);
  const model = plan.moves.find((m) => m.role === 'model')!;
  const to = await fetchVersion(wandb, req.target, model.ref);
  const from = model.replaced ? await fetchVersion(wandb, req.target, model.replaced) : null;
  const version = (ref: string) => ref.slice(ref.lastIndexOf(':') + 1);
  return {
    identity: {
      kind: 'rollback',
      collection: req.collection,
      alias: req.alias,
      from: model.replaced ? { ref: model.replaced, digest: from?.digest ?? null } : null,
      to: { ref: model.ref, digest: to?.digest ?? null },
      datasets: plan.moves
        .filter((m) => m.role !== 'model')
        .map((m) => ({ role: m.role, ref: m.ref, from: m.from ?? m.replaced ?? null })),
    },
    toVersion: version(model.ref),
  };
}
