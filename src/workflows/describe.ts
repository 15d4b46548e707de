import type { JobSnapshot } from '../shared/types.js';

/** One markdown line for the Temporal UI's "current details". */
export function describeJob(job: JobSnapshot): string {
  const parts = [`**${job.jobId}** — ${job.status}`];
  if (job.step !== null && job.totalSteps !== null)
    parts.push(`step ${job.step}/${job.totalSteps}`);
  if (job.trainLoss !== null) parts.push(`train loss ${job.trainLoss.toFixed(4)}`);
  if (job.validLoss !== null) parts.push(`valid loss ${job.validLoss.toFixed(4)}`);
  if (job.estimatedFinish !== null) {
    parts.push(`estimated finish ${new Date(job.estimatedFinish * 1000).toISOString()}`);
  }
  if (job.fineTunedModel) parts.push(`model \`${job.fineTunedModel}\``);
  if (job.error) parts.push(`error ${job.error.code}: ${job.error.message}`);
  return parts.join(' · ');
}
