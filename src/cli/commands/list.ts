import { Command, InvalidArgumentError } from 'commander';
import { listPipelines, PIPELINE_STAGES } from '../../client/list.js';
import { numberIn } from '../numberOption.js';
import { renderPipelineList } from '../renderList.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';

interface ListFlags extends TemporalFlags {
  stage?: string;
  model?: string;
  prefix?: string;
  limit: number;
  json: boolean;
}

/** A commander parser for `--stage`: one of the pipeline's stages, or a clear refusal. */
export function parseStage(raw: string): string {
  if ((PIPELINE_STAGES as readonly string[]).includes(raw)) return raw;
  throw new InvalidArgumentError(`expected one of ${PIPELINE_STAGES.join(', ')}`);
}

export function listCommand(): Command {
  return withTemporalFlags(
    new Command('list')
      .description('List pipelines, newest first: stage, job, models, approver, status, age')
      .option('--stage <stage>', `only this stage (${PIPELINE_STAGES.join(', ')})`, parseStage)
      .option('--model <model>', 'only this base model or fine-tuned model')
      .option('--prefix <id>', 'only workflow ids starting with this')
      .option('--limit <n>', 'at most N pipelines', numberIn(1, 10_000, true), 20)
      .option('--json', 'print JSON', false),
  ).action(async (f: ListFlags) => {
    const client = await clientFor(f);
    const pipelines = await listPipelines(client, {
      stage: f.stage,
      model: f.model,
      idPrefix: f.prefix,
      limit: f.limit,
    });
    process.stdout.write(
      f.json ? `${JSON.stringify(pipelines)}\n` : `${renderPipelineList(pipelines, Date.now())}\n`,
    );
  });
}
