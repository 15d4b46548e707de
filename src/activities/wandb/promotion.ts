import { ApplicationFailure } from '@temporalio/common';
import type {
  AliasMovePlan,
  AliasMoveRequest,
  AliasMoveResult,
  AliasRemoval,
  GovernanceEvent,
  MoveRecord,
  VersionMove,
} from '../../shared/governanceTypes.js';
import { ErrorType } from '../../shared/errorTypes.js';
import type { ServingRecord } from '../../shared/providerTypes.js';
import type { GateResult } from '../../shared/promotionTypes.js';
import { CANDIDATE_ALIAS } from '../../shared/promotionTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { ArtifactVersion, WandbClient } from '../../wandb/index.js';
import { parseArtifactPath } from '../../wandb/index.js';
import { requireWandb, type WandbActivityDeps } from './deps.js';
import { wandbCalling } from './errors.js';
import {
  collectionsLeftBehind,
  fromOfRole,
  isAlreadyThere,
  removalOf,
  type TrainedOn,
} from './aliasPlan.js';
import {
  eventFrom,
  promotionOf,
  trainedOnOf,
  TRAINED_ON_KEY,
  withApprovalPolicy,
  withLogEntry,
  withPromotion,
  withServing,
} from './governance.js';
import { linkToRegistry } from './registryLink.js';

/** `entity/project/collection:vN`: the stable name of one version (aliases move, vN does not). */
export function versionRef(v: ArtifactVersion): string {
  return `${v.entity}/${v.project}/${v.name}:${v.version ?? v.digest.slice(0, 12)}`;
}

export async function fetchVersion(
  wandb: WandbClient,
  target: WandbTarget,
  ref: string,
): Promise<ArtifactVersion | null> {
  const path = parseArtifactPath(ref, target);
  return wandbCalling(`Looking up ${ref}`, () => wandb.fetchArtifact(path));
}

async function requireVersion(
  wandb: WandbClient,
  target: WandbTarget,
  ref: string,
  hint: string,
): Promise<ArtifactVersion> {
  const v = await fetchVersion(wandb, target, ref);
  if (!v) {
    throw ApplicationFailure.nonRetryable(
      `${ref} does not exist in W&B ${target.entity}/${target.project}. ${hint}`,
      ErrorType.WandbNotFound,
    );
  }
  return v;
}

async function moveOf(
  wandb: WandbClient,
  target: WandbTarget,
  role: VersionMove['role'],
  version: ArtifactVersion,
  alias: string,
  knownHolder?: ArtifactVersion | null,
): Promise<VersionMove> {
  const holder =
    knownHolder !== undefined
      ? knownHolder
      : await fetchVersion(
          wandb,
          { entity: version.entity, project: version.project },
          `${version.name}:${alias}`,
        );
  return {
    role,
    collection: version.name,
    ref: versionRef(version),
    id: version.id,
    replaced: holder ? versionRef(holder) : null,
    replacedId: holder?.id ?? null,
  };
}

/** A model version's recorded datasets, each with its collection. */
function trainedOnWithCollections(
  metadata: Record<string, unknown>,
  target: WandbTarget,
): TrainedOn[] {
  return trainedOnOf(metadata).map((d) => ({
    role: d.role as VersionMove['role'],
    ref: d.ref,
    collection: parseArtifactPath(d.ref, target).name,
  }));
}

/**
 * The outgoing production model's datasets in collections the incoming model has nothing in:
 * whatever holds the alias there loses it.
 */
async function removalsFor(
  wandb: WandbClient,
  target: WandbTarget,
  alias: string,
  moves: VersionMove[],
  outgoing: TrainedOn[],
): Promise<AliasRemoval[]> {
  const removals: AliasRemoval[] = [];
  for (const left of collectionsLeftBehind(moves, outgoing)) {
    const { entity, project } = parseArtifactPath(left.ref, target);
    const holder = await fetchVersion(wandb, { entity, project }, `${left.collection}:${alias}`);
    if (holder) removals.push(removalOf(left, { ref: versionRef(holder), id: holder.id }, moves));
  }
  return removals;
}

/**
 * Reads, before anything changes, which versions get the alias, which hold it now and which lose
 * it. The workflow records this plan in its history, so a retried or crash-resumed move still
 * knows what it replaced even after the alias has moved. Afterwards exactly the new production
 * model and the dataset versions it was trained on hold the alias: the outgoing model's datasets
 * in other collections (it trained on `walk-train.jsonl`, the new one on `train.jsonl`) lose it.
 */
export async function planAliasMove(
  deps: WandbActivityDeps,
  req: AliasMoveRequest,
): Promise<AliasMovePlan> {
  const wandb = requireWandb(deps);
  const { target, alias, collection } = req;
  const moves: VersionMove[] = [];
  let serving: ServingRecord | undefined;
  let current: ArtifactVersion | null;
  if (req.kind === 'promote') {
    const model = await requireVersion(
      wandb,
      target,
      `${collection}:${req.version ?? 'latest'}`,
      'The job has no model artifact: was it synced to W&B?',
    );
    current = await fetchVersion(
      wandb,
      { entity: model.entity, project: model.project },
      `${model.name}:${alias}`,
    );
    moves.push(await moveOf(wandb, target, 'model', model, alias, current));
    for (const d of req.datasets ?? []) {
      const v = await requireVersion(wandb, target, d.ref, 'Was the dataset version deleted?');
      moves.push(await moveOf(wandb, target, d.role, v, alias));
    }
  } else {
    current = await requireVersion(
      wandb,
      target,
      `${collection}:${alias}`,
      `Nothing holds "${alias}" in ${collection}: there is nothing to roll back.`,
    );
    const facts = promotionOf(current.metadata);
    const toRef = req.version ? `${collection}:${req.version}` : facts?.replaced;
    if (!toRef) {
      throw ApplicationFailure.nonRetryable(
        `${versionRef(current)} replaced no earlier version, so there is nothing to roll back to by default. Name one with --to vN.`,
        ErrorType.NothingToRollBack,
      );
    }
    const to = await requireVersion(wandb, target, toRef, 'Name an existing version with --to.');
    moves.push(await moveOf(wandb, target, 'model', to, alias));
    serving = promotionOf(to.metadata)?.serving;
    // The datasets the target was trained on, as recorded when it was promoted.
    for (const d of trainedOnOf(to.metadata)) {
      const v = await fetchVersion(wandb, target, d.ref);
      if (v) moves.push(await moveOf(wandb, target, d.role as VersionMove['role'], v, alias));
    }
  }
  const incomingId = moves[0]!.id;
  const outgoing =
    current && current.id !== incomingId ? trainedOnWithCollections(current.metadata, target) : [];
  for (const m of moves) if (m.role !== 'model') m.from = fromOfRole(m, outgoing);
  const removals = await removalsFor(wandb, target, alias, moves, outgoing);
  return {
    kind: req.kind,
    alias,
    target,
    moves,
    removals,
    alreadyThere: isAlreadyThere(moves, removals),
    registry: req.registry,
    ...(serving ? { serving } : {}),
  };
}

/**
 * Carries a plan out. Every step is idempotent: metadata is rewritten to the same value, an alias
 * already on its version is left alone, log entries carry ids. So a retry, or a worker killed
 * half-way, never moves an alias twice or makes a version.
 */
export async function applyAliasMove(
  deps: WandbActivityDeps,
  input: { plan: AliasMovePlan; record: MoveRecord },
): Promise<AliasMoveResult> {
  const wandb = requireWandb(deps);
  const { plan, record } = input;
  const model = plan.moves.find((m) => m.role === 'model')!;
  const datasets = plan.moves.filter((m) => m.role !== 'model');
  for (const move of plan.moves) {
    await recordOnVersion(wandb, plan, move, record, datasets);
    if (move.replacedId && move.replacedId !== move.id) {
      await recordOnReplaced(wandb, plan, move, record);
    }
    await addAlias(wandb, plan.target, move, plan.alias);
    if (plan.kind === 'promote' && move.role === 'model') {
      await removeAlias(wandb, plan.target, move, CANDIDATE_ALIAS);
    }
  }
  // Taken off only once the incoming versions hold it: a move cut short leaves one too many
  // holders for a moment, never none.
  for (const removal of plan.removals ?? []) {
    await recordOnRemoved(wandb, plan, removal, record);
    await removeAlias(wandb, plan.target, removal, plan.alias);
  }
  const registryLink = plan.registry
    ? await linkToRegistry(wandb, plan.target, model.id, plan.registry, plan.alias)
    : undefined;
  return {
    kind: plan.kind,
    alias: plan.alias,
    model: { ref: model.ref, replaced: model.replaced },
    datasets: datasets.map((d) => ({
      role: d.role,
      ref: d.ref,
      replaced: d.replaced,
      ...(d.from !== undefined ? { from: d.from } : {}),
    })),
    ...(plan.removals
      ? {
          removed: plan.removals.map((r) => ({ role: r.role, ref: r.ref, movedTo: r.movedTo })),
        }
      : {}),
    registryLink,
    alreadyThere: plan.alreadyThere,
  };
}

async function readMetadata(wandb: WandbClient, id: string): Promise<Record<string, unknown>> {
  const v = await wandbCalling(`Reading version ${id}`, () => wandb.fetchArtifactById(id));
  if (!v) {
    throw ApplicationFailure.nonRetryable(
      `W&B artifact version ${id} is gone`,
      ErrorType.WandbNotFound,
    );
  }
  return v.metadata;
}

async function writeMetadata(
  wandb: WandbClient,
  id: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Promise<void> {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  await wandbCalling(`Recording the decision on version ${id}`, () =>
    wandb.updateArtifactMetadata(id, after),
  );
}

async function recordOnVersion(
  wandb: WandbClient,
  plan: AliasMovePlan,
  move: VersionMove,
  record: MoveRecord,
  datasets: VersionMove[],
): Promise<void> {
  const before = await readMetadata(wandb, move.id);
  // A dataset's log names what the role's alias really left, even in another collection.
  const replaced = move.from !== undefined ? move.from : move.replaced;
  let after: Record<string, unknown>;
  if (plan.kind === 'promote') {
    after = withPromotion(
      before,
      {
        replaced,
        approvedBy: record.by,
        approvedAt: record.at,
        how: record.how,
        comment: record.comment,
        workflowId: record.workflowId,
        jobId: record.jobId,
        fineTunedModel: record.fineTunedModel,
        datasets:
          move.role === 'model' ? datasets.map((d) => ({ role: d.role, ref: d.ref })) : undefined,
        serving: move.role === 'model' ? record.serving : undefined,
      },
      move.role === 'model' ? record.gates : undefined,
    );
    after = withLogEntry(
      withPolicy(after, move, record),
      eventFrom(record, 'promoted', plan.alias, { replaced, ...signedOf(move, record) }),
    );
  } else {
    // A re-created deployment (it had expired or been cleaned up) is what serves now.
    const served =
      move.role === 'model' && record.serving ? withServing(before, record.serving) : before;
    after = withLogEntry(
      withPolicy(served, move, record),
      eventFrom(record, 'rollback_to', plan.alias, { replaced, ...signedOf(move, record) }),
    );
  }
  await writeMetadata(wandb, move.id, before, after);
}

/** The model version's log entry carries the signed decisions (datasets point to it). */
function signedOf(move: VersionMove, record: MoveRecord): Partial<GovernanceEvent> {
  if (move.role !== 'model' || !record.signed) return {};
  return {
    signed: { policyDigest: record.signed.policyDigest, decisions: record.signed.decisions },
  };
}

/** The policy the decisions were verified under, kept by digest beside them. */
function withPolicy(
  metadata: Record<string, unknown>,
  move: VersionMove,
  record: MoveRecord,
): Record<string, unknown> {
  if (move.role !== 'model' || !record.signed) return metadata;
  const { policyDigest, policy } = record.signed;
  return withApprovalPolicy(metadata, policyDigest, policy);
}

async function recordOnReplaced(
  wandb: WandbClient,
  plan: AliasMovePlan,
  move: VersionMove,
  record: MoveRecord,
): Promise<void> {
  const before = await readMetadata(wandb, move.replacedId!);
  const kind = plan.kind === 'promote' ? 'replaced' : 'rolled_back';
  const after = withLogEntry(before, eventFrom(record, kind, plan.alias, { movedTo: move.ref }));
  await writeMetadata(wandb, move.replacedId!, before, after);
}

/** A dataset version losing the alias says so, and what took its place. */
async function recordOnRemoved(
  wandb: WandbClient,
  plan: AliasMovePlan,
  removal: AliasRemoval,
  record: MoveRecord,
): Promise<void> {
  const before = await readMetadata(wandb, removal.id);
  const kind = plan.kind === 'promote' ? 'replaced' : 'rolled_back';
  const after = withLogEntry(
    before,
    eventFrom(record, kind, plan.alias, { movedTo: removal.movedTo }),
  );
  await writeMetadata(wandb, removal.id, before, after);
}

async function addAlias(
  wandb: WandbClient,
  target: WandbTarget,
  move: VersionMove,
  alias: string,
): Promise<void> {
  const path = parseArtifactPath(move.ref, target);
  const current = await fetchVersion(wandb, target, `${move.collection}:${alias}`);
  if (current?.id === move.id) return; // already moved: a retry must not move it again
  await wandbCalling(`Moving "${alias}" to ${move.ref}`, () =>
    wandb.addAliases({
      artifactId: move.id,
      entity: path.entity,
      project: path.project,
      collection: move.collection,
      aliases: [alias],
    }),
  );
}

async function removeAlias(
  wandb: WandbClient,
  target: WandbTarget,
  move: Pick<VersionMove, 'collection' | 'ref' | 'id'>,
  alias: string,
): Promise<void> {
  const path = parseArtifactPath(move.ref, target);
  const where = { entity: path.entity, project: path.project };
  const current = await fetchVersion(wandb, where, `${move.collection}:${alias}`);
  if (current?.id !== move.id) return;
  await wandbCalling(`Removing "${alias}" from ${move.ref}`, () =>
    wandb.removeAliases({
      artifactId: move.id,
      entity: path.entity,
      project: path.project,
      collection: move.collection,
      aliases: [alias],
    }),
  );
}

export interface CandidateInput {
  target: WandbTarget;
  collection: string;
  /** The version's job-id alias. */
  version: string;
  record: MoveRecord;
  gates: GateResult[];
  /** The dataset versions it was trained on, for lineage before any promotion. */
  datasets: { role: string; ref: string }[];
  /** A migration's source model and golden set (old model → golden set → this model). */
  migratedFrom?: Record<string, string>;
}

/**
 * While a person decides, the model version carries `candidate` and the gate results, so W&B
 * shows what is up for review and what the gates found.
 */
export async function markCandidate(
  deps: WandbActivityDeps,
  input: CandidateInput,
): Promise<{ ref: string; digest: string }> {
  const wandb = requireWandb(deps);
  const v = await requireVersion(
    wandb,
    input.target,
    `${input.collection}:${input.version}`,
    'The job has no model artifact: was it synced to W&B?',
  );
  const move = modelMove(v);
  const after = withLogEntry(
    {
      ...v.metadata,
      gates: input.gates,
      [TRAINED_ON_KEY]: input.datasets,
      ...(input.migratedFrom ? { migratedFrom: input.migratedFrom } : {}),
    },
    eventFrom(input.record, 'candidate', CANDIDATE_ALIAS),
  );
  await writeMetadata(wandb, v.id, v.metadata, after);
  await addAlias(wandb, input.target, move, CANDIDATE_ALIAS);
  // The digest names the model's files: a signed approval is bound to it.
  return { ref: move.ref, digest: v.digest };
}

/** After a rejection (or a block) the version stops being the candidate. */
export async function clearCandidate(
  deps: WandbActivityDeps,
  input: ClearCandidateInput,
): Promise<void> {
  const wandb = requireWandb(deps);
  const v = await fetchVersion(wandb, input.target, `${input.collection}:${input.version}`);
  if (!v) return;
  const rejected = input.rejected;
  if (rejected?.signed) {
    // A signed rejection stays on the version's log, verifiable like an approval.
    const { policyDigest, policy, decisions } = rejected.signed;
    const after = withLogEntry(
      withApprovalPolicy(v.metadata, policyDigest, policy),
      eventFrom(rejected, 'rejected', CANDIDATE_ALIAS, { signed: { policyDigest, decisions } }),
    );
    await writeMetadata(wandb, v.id, v.metadata, after);
  }
  await removeAlias(wandb, input.target, modelMove(v), CANDIDATE_ALIAS);
}

export interface ClearCandidateInput {
  target: WandbTarget;
  collection: string;
  version: string;
  /** The rejection, when it was signed under an approval policy (recorded on the log). */
  rejected?: MoveRecord;
}

/** A model version as a move target of its own (the candidate alias: nothing replaced). */
function modelMove(v: ArtifactVersion): VersionMove {
  return {
    role: 'model',
    collection: v.name,
    ref: versionRef(v),
    id: v.id,
    replaced: null,
    replacedId: null,
  };
}
