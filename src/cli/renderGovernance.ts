import { usd } from '../shared/money.js';
import type { LineageVerification } from '../approvals/index.js';
import type { LineageAnswer } from '../client/lineage.js';
import type {
  DatasetMoveResult,
  DatasetRemovalResult,
  PrunedServing,
} from '../shared/aliasMoveResults.js';
import type { AliasMoveResult, ResolvedAlias } from '../shared/governanceTypes.js';
import type { ServingState } from '../shared/providerTypes.js';
import type { ApprovalRecord, DecisionReply, GateResult } from '../shared/promotionTypes.js';
import { decisionCommands, type DecisionCommands } from '../shared/commandHints.js';

// Text for the governance commands. Pure, so each is unit-tested.

export function gateLine(g: GateResult): string {
  return `${g.verdict.toUpperCase().padEnd(7)} ${g.summary}`;
}

/**
 * The approval part of `finetune status`: gates, the decision, refused requests, what moved.
 * While it awaits a decision, the commands that decide (`decide`, or ones with a NAME to fill in).
 */
export function renderApproval(
  a: ApprovalRecord,
  workflowId: string,
  stage: string,
  decide: DecisionCommands = decisionCommands(workflowId, 'NAME'),
): string[] {
  const lines: string[] = [];
  for (const g of a.gates) lines.push(`gate      ${gateLine(g)}`);
  lines.push(...policyLines(a));
  if (stage === 'awaiting_approval' && !a.decision) {
    const signing = a.policy ? ' --sign ~/.ssh/id_ed25519' : '';
    lines.push(`next      ${decide.approve}${signing}`, `          ${decide.reject}${signing}`);
  }
  if (a.decision) {
    const d = a.decision;
    lines.push(
      `decision  ${d.decision === 'approve' ? 'approved' : 'rejected'} by ${d.by} via ${d.how} at ${d.at}${d.comment ? ` — ${d.comment}` : ''}${verifiedMark(d.verified)}`,
    );
  }
  for (const i of a.ignored) {
    lines.push(
      `ignored   ${i.decision} by ${i.by || '(nobody)'} via ${i.how} at ${i.at}${i.unverified ? ' (unverified)' : ''}: ${i.reason}`,
    );
  }
  const p = a.promotion;
  if (p?.promoted) {
    lines.push(`promoted  "${p.alias}" → ${p.modelVersion} (was ${p.replaced ?? 'none'})`);
    for (const d of p.datasetVersions) lines.push(`          ${datasetWas(d)}`);
    for (const r of p.datasetsRemoved ?? []) lines.push(`          ${removedLine(r, p.alias)}`);
    if (p.registryLink) lines.push(`registry  ${p.registryLink}`);
    const d = p.serving?.deployment;
    if (p.serving && d) {
      const cost =
        d.costPerHourUsd !== undefined ? `, ${usd(d.costPerHourUsd)}/hour while it runs` : '';
      lines.push(`serving   ${p.serving.servedAs} on ${d.sku} × ${d.capacity}${cost}`);
    }
    lines.push(...prunedLines(p.prunedDeployments, 'pruned    '));
  } else if (p?.note) {
    lines.push(`promotion ${p.note}`);
  }
  return lines;
}

/** The approval policy, the signed approvals so far and what the quorum still needs. */
function policyLines(a: ApprovalRecord): string[] {
  if (!a.policy) return a.note ? [`policy    none: ${a.note}`] : [];
  const lines = [
    `policy    ${a.policy.digest} from ${a.policy.source}: ${a.policy.rule}${a.policy.selfApproval ? '' : ', no self-approval'}`,
  ];
  for (const v of a.votes ?? []) {
    lines.push(
      `signed    ${v.decision} by ${v.approver} (${v.role}, ${v.keyFingerprint}) via ${v.how} at ${v.at}`,
    );
  }
  if (a.quorum && !a.quorum.met && !a.decision) {
    lines.push(`quorum    needs ${a.quorum.missing.join(', ')}`);
  }
  return lines;
}

function verifiedMark(verified: boolean | undefined): string {
  if (verified === true) return ' (signed, verified)';
  if (verified === false) return ' (name as typed, not verified)';
  return '';
}

export function renderDecision(r: DecisionReply): string {
  const d = r.decision;
  if (!d) {
    const q = r.pending;
    return `approval recorded (signed, verified); the pipeline waits for ${q?.missing.join(', ') ?? 'more approvals'} (${q?.rule ?? 'the quorum'}; so far ${q?.have.join(', ') ?? '—'})`;
  }
  const head = `${d.decision === 'approve' ? 'approved' : 'rejected'} by ${d.by}${verifiedMark(d.verified)}`;
  const p = r.promotion;
  if (!p) return head;
  if (!p.promoted) return `${head}; ${p.note ?? 'nothing was moved'}`;
  const lines = [`${head}: "${p.alias}" → ${p.modelVersion} (was ${p.replaced ?? 'none'})`];
  for (const v of p.datasetVersions) lines.push(`  ${datasetWas(v)}`);
  for (const r of p.datasetsRemoved ?? []) lines.push(`  ${removedLine(r, p.alias)}`);
  if (p.registryLink) lines.push(`  registry: ${p.registryLink}`);
  lines.push(...prunedLines(p.prunedDeployments, '  pruned: '));
  return lines.join('\n');
}

function prunedLines(pruned: PrunedServing[] | undefined, head: string): string[] {
  return (pruned ?? []).map((x) =>
    x.removed
      ? `${head}deployment ${x.deployment} of ${x.ref} (no alias points to it)`
      : `${head}could not remove deployment ${x.deployment} of ${x.ref}: ${x.error ?? 'unknown'}`,
  );
}

/** Where a role's alias was: in any collection (`from`), or in its own (older results). */
function fromOf(d: DatasetMoveResult): string | null {
  return d.from !== undefined ? d.from : d.replaced;
}

/** `training → train:v0 (was walk-train:v0)`, or `(unchanged)` when it stays put. */
function datasetWas(d: DatasetMoveResult): string {
  const from = fromOf(d);
  return `${d.role} → ${d.ref} (${from === d.ref ? 'unchanged' : `was ${from ?? 'none'}`})`;
}

/** `training: walk-train:v0 → train:v0`, or `training: train:v0 (unchanged)`. */
function datasetFromTo(d: DatasetMoveResult): string {
  const from = fromOf(d);
  return from === d.ref
    ? `${d.role}: ${d.ref} (unchanged)`
    : `${d.role}: ${from ?? 'none'} → ${d.ref}`;
}

function removedLine(r: DatasetRemovalResult, alias: string): string {
  return `"${alias}" removed from ${r.ref} (${r.role}; now ${r.movedTo})`;
}

export function renderRollback(r: AliasMoveResult, by: string): string {
  if (r.alreadyThere) return `"${r.alias}" is already on ${r.model.ref}; nothing moved`;
  const lines = [
    `"${r.alias}" rolled back by ${by}: ${r.model.replaced ?? 'none'} → ${r.model.ref}`,
  ];
  for (const d of r.datasets) lines.push(`  ${datasetFromTo(d)}`);
  for (const x of r.removed ?? []) lines.push(`  ${removedLine(x, r.alias)}`);
  if (r.serving) lines.push(`  serving: ${r.serving.servedAs} answers (checked before the move)`);
  return lines.join('\n');
}

/** `1x_nvidia_h100_80gb_sxm × 1, $3.99/hour while it runs (as recorded when it was served)`. */
function servingLine(s: NonNullable<ResolvedAlias['serving']>): string {
  const cost = s.costPerHourUsd !== null ? `, ${usd(s.costPerHourUsd)}/hour while it runs` : '';
  return `${s.hardware} × ${s.replicas}${cost} (as recorded when it was served)`;
}

export function renderResolved(r: ResolvedAlias): string {
  return [
    `${r.alias} → ${r.servedAs ?? r.fineTunedModel ?? '(no model id recorded)'}`,
    ...(r.servedAs && r.servedAs !== r.fineTunedModel ? [`  model     ${r.fineTunedModel}`] : []),
    `  version   ${r.ref}`,
    `  job       ${r.jobId ?? '—'} (base ${r.baseModel ?? '—'})`,
    `  promoted  ${r.promotedBy ? `by ${r.promotedBy} at ${r.promotedAt}` : '— (alias set outside a pipeline)'}`,
    `  replaced  ${r.replaced ?? 'none'}`,
    ...(r.servingUntil ? [`  serves    until ${r.servingUntil}`] : []),
    ...(r.serving
      ? [
          `  ${r.serving.kind === 'dedicated-endpoint' ? 'endpoint' : 'deployed'}  ${servingLine(r.serving)}`,
        ]
      : []),
    ...(r.warning ? [`  WARNING   ${r.warning}`] : []),
    ...(r.running ? runningLines(r.running).map((l) => `  ${l}`) : []),
  ].join('\n');
}

/**
 * What of ours serves and bills now (live, from the provider), one line each, then the total
 * per hour: what `status` and `resolve` show so no endpoint runs unnoticed.
 */
export function runningLines(running: readonly ServingState[]): string[] {
  if (running.length === 0) return ['running   none of ours (nothing billed by the hour)'];
  const lines = running.map(
    (r) =>
      `running   ${r.servedAs}${r.hardware ? ` on ${r.hardware} × ${r.replicas ?? 1}` : ''}${r.state === 'starting' ? ' (starting)' : ''}${r.costPerHourUsd !== null ? `, ${usd(r.costPerHourUsd)}/hour` : ''}`,
  );
  const priced = running.filter((r) => r.costPerHourUsd !== null);
  const total = priced.reduce((sum, r) => sum + r.costPerHourUsd!, 0);
  lines.push(
    `          ${running.length} endpoint(s) of ours running, ${usd(total)}/hour in all${priced.length < running.length ? ' (some unpriced)' : ''}`,
  );
  return lines;
}

function removedSince(v: LineageVerification): string {
  const n = v.entries.flatMap((e) => e.decisions).filter((d) => d.keyRemovedSince).length;
  return n
    ? ` (but ${n} signer key${n === 1 ? ' has' : 's have'} been removed from the policy since)`
    : '';
}

/** `finetune lineage --verify`: the verdict first, then each signed entry and decision. */
export function renderLineageVerification(v: LineageVerification): string {
  const lines = [
    v.ok
      ? `verified  ${v.modelRef}: every signature, the policy and the chain model → datasets → decision hold${removedSince(v)}`
      : `FAILED    ${v.modelRef}: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}`,
  ];
  for (const e of v.entries) {
    lines.push(
      `${e.kind.padEnd(9)} ${e.at} by pipeline ${e.workflowId} under policy ${e.policyDigest}`,
    );
    for (const d of e.decisions) {
      const mark = d.problems.length ? 'BAD' : 'ok';
      lines.push(
        `  ${mark.padEnd(4)}${d.decision ?? '?'} by ${d.approver} (${d.role}, ${d.keyFingerprint ?? 'no key'}) issued ${d.issuedAt ?? '?'}${d.keyRemovedSince ? ' — key removed from the policy since' : ''}`,
      );
    }
  }
  for (const p of v.problems) lines.push(`problem   ${p}`);
  for (const w of v.warnings) lines.push(`warning   ${w}`);
  return lines.join('\n');
}

export function renderLineage(a: LineageAnswer): string {
  const lines: string[] = [];
  const w = a.wandb;
  const p = a.pipeline;
  if (p) lines.push(`pipeline  ${p.workflowId} (${p.stage})`);
  const datasets = w?.datasets.length
    ? w.datasets.map(
        (d) =>
          `dataset   ${d.role}: ${d.ref}  sha256 ${d.digest?.slice(0, 16) ?? '?'}…  ${d.examples ?? '?'} examples  → file ${d.fileIds.join(', ') || '?'}`,
      )
    : (p?.datasets ?? []).map((d, i) => {
        const file = p?.files[i]?.fileId;
        return `dataset   ${d.role}: ${d.path}  sha256 ${d.digest.slice(0, 16)}…  ${d.examples} examples${file ? `  → file ${file}` : ''}`;
      });
  lines.push(...datasets);
  const jobId = w?.model.jobId ?? p?.jobId;
  if (jobId)
    lines.push(`job       ${jobId}${w?.model.baseModel ? ` (base ${w.model.baseModel})` : ''}`);
  if (w?.runPath) lines.push(`w&b run   ${w.runPath}`);
  if (w) {
    lines.push(`model     ${w.model.ref} → ${w.model.fineTunedModel ?? '?'}`);
    lines.push(`aliases   ${w.model.aliases.join(', ') || '—'}`);
    if (w.model.servedAs && w.model.servedAs !== w.model.fineTunedModel) {
      lines.push(`served as ${w.model.servedAs}`);
    }
    if (w.migratedFrom) {
      lines.push(
        `migrated  from ${w.migratedFrom.model} (${w.migratedFrom.modelVersion}) via golden set ${w.migratedFrom.goldenSet}`,
      );
    }
  } else if (p?.fineTunedModel) {
    lines.push(`model     ${p.fineTunedModel}`);
  }
  const promo = w?.promotion;
  const decision = p?.approval?.decision;
  if (promo) {
    lines.push(
      `approved  by ${promo.approvedBy} via ${promo.how ?? '?'} at ${promo.at}${promo.comment ? ` — ${promo.comment}` : ''}`,
    );
    lines.push(`replaced  ${promo.replaced ?? 'none'}`);
  } else if (decision) {
    lines.push(
      `decision  ${decision.decision} by ${decision.by} via ${decision.how} at ${decision.at}`,
    );
  }
  const gates = w?.gates.length ? w.gates : (p?.approval?.gates ?? []);
  for (const g of gates) lines.push(`gate      ${gateLine(g)}`);
  for (const e of w?.log ?? []) {
    lines.push(
      `log       ${e.at} ${e.kind} "${e.alias}" by ${e.by}${e.reason ? ` — ${e.reason}` : ''}${e.comment ? ` — ${e.comment}` : ''}`,
    );
  }
  if (a.wandbError) lines.push(`w&b       ${a.wandbError}`);
  return lines.join('\n');
}
