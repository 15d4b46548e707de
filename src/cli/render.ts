import type { PipelineStatus } from '../client/pipeline.js';
import type { DecisionCommands } from '../shared/commandHints.js';
import { describeEstimatedCost, estimatedCostOf } from '../shared/estimatedCost.js';
import { isTerminal } from '../shared/types.js';
import { renderApproval, runningLines } from './renderGovernance.js';
import { renderEvents } from './renderEvents.js';

/** A text progress bar: `[██████░░░░░░]  50% step 15/30`. Pure, so it is unit-tested. */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

const ago = (ms: number): string =>
  ms < 90_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`;

/**
 * Human-readable status for `finetune status`. `decide`: the approve/reject commands to print
 * while it awaits a decision (runnable as printed: the caller knows the address and the person).
 */
export function renderStatus(s: PipelineStatus, nowMs: number, decide?: DecisionCommands): string {
  const lines = [`workflow  ${s.workflowId}  (${s.execution.toLowerCase()})`];
  const p = s.progress;
  if (p) {
    lines.push(`stage     ${p.stage}`);
    for (const d of p.datasets) {
      const cost = d.estimatedUsd !== undefined ? `, ~$${d.estimatedUsd.toFixed(2)}` : '';
      lines.push(
        `dataset   ${d.role}: ${d.examples} examples, ${d.billableTokens} tokens${cost} (${d.digest.slice(0, 19)}…)`,
      );
    }
    for (const f of p.files) lines.push(`file      ${f.fileId}${f.reused ? ' (reused)' : ''}`);
    if (p.runway?.limits) lines.push(`limits    ${p.runway.limits}`);
    // The estimate before the job: the provider's (checked after upload) or ours.
    const cost = s.estimatedCost ?? estimatedCostOf(p);
    if (cost)
      lines.push(`price     ${describeEstimatedCost(cost).replace(/^training price /, '')}`);
    if (p.jobId) lines.push(`job       ${p.jobId}`);
    if (p.runway?.warning) lines.push(`WARNING   ${p.runway.warning}`);
  } else if (s.stage) {
    lines.push(`stage     ${s.stage}`);
  }
  const job = s.job?.last ?? p?.job;
  if (job) {
    // After a cancel the last snapshot still says what the job was doing before it.
    const cancelled = s.execution === 'CANCELLED' && !isTerminal(job.status);
    lines.push(
      cancelled
        ? `status    cancelled (was ${job.status} when the pipeline was cancelled)`
        : `status    ${job.status}${job.rawStatus ? ` (${job.rawStatus} at the provider)` : ''}`,
    );
    if (job.step !== null && job.totalSteps !== null) {
      lines.push(
        `progress  ${progressBar(job.step, job.totalSteps)} step ${job.step}/${job.totalSteps}`,
      );
    }
    if (job.trainLoss !== null)
      lines.push(
        `loss      train ${job.trainLoss.toFixed(4)}${job.validLoss !== null ? `, valid ${job.validLoss.toFixed(4)}` : ''}`,
      );
    if (job.estimatedFinish !== null && !cancelled) {
      lines.push(`eta       ${new Date(job.estimatedFinish * 1000).toISOString()}`);
    }
  }
  // Once the wait has its result there is no next check, though the pipeline may go on.
  if (s.job?.nextPollAtMs !== undefined && s.execution === 'RUNNING' && !s.job.result) {
    const inMs = s.job.nextPollAtMs - nowMs;
    lines.push(
      `checks    ${s.job.polls} poll(s), ${s.job.wakeups} webhook(s); next check ${inMs > 0 ? `in ${ago(inMs)}` : 'now'}`,
    );
  }
  const w = s.result?.wandb ?? p?.wandb;
  if (w?.runPath) lines.push(`w&b       ${w.runPath}`);
  else if (w?.skipped) lines.push(`w&b       off (${w.skipped})`);
  for (const e of w?.errors ?? []) lines.push(`w&b       problem: ${e}`);
  if (s.result) lines.push(`model     ${s.result.fineTunedModel}`);
  const approval = s.result?.approval ?? p?.approval;
  if (approval && p) lines.push(...renderApproval(approval, s.workflowId, p.stage, decide));
  if (s.running) lines.push(...runningLines(s.running));
  lines.push(...renderEvents(s.events ?? []));
  if (s.failure) lines.push(`error     ${s.failure}`);
  for (const note of s.notes ?? []) lines.push(`note      ${note}`);
  return lines.join('\n');
}
