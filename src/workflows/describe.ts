import type { JobSnapshot } from '../shared/types.js';

/** One markdown line for the Temporal UI's "current details". */
export function describeJob(job: JobSnapshot): string {
  // A status the pipeline does not know is shown as the provider sent it (taken as running).
  const raw = job.rawStatus ? ` (${job.rawStatus} at the provider)` : '';
  const parts = [`**${job.jobId}** — ${job.status}${raw}`];
  if (job.step !== null && job.totalSteps !== null)
    parts.push(`step ${job.step}/${job.totalSteps}`);
  if (job.epoch !== undefined && job.epoch !== null) parts.push(`epoch ${job.epoch}`);
  if (job.trainLoss !== null) parts.push(`train loss ${job.trainLoss.toFixed(4)}`);
  if (job.validLoss !== null) parts.push(`valid loss ${job.validLoss.toFixed(4)}`);
  if (job.estimatedFinish !== null) {
    const what = job.estimateCovers === 'phase' ? 'next state by' : 'estimated finish';
    parts.push(`${what} ${new Date(job.estimatedFinish * 1000).toISOString()}`);
  }
  if (job.fineTunedModel) parts.push(`model \`${job.fineTunedModel}\``);
  if (job.error) parts.push(`error ${job.error.code}: ${job.error.message}`);
  return parts.join(' · ');
}
