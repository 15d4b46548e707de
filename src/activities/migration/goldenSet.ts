import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { ErrorType } from '../../shared/errorTypes.js';
import type { WandbTarget } from '../../shared/syncTypes.js';
import type { ChatFn } from '../../providers/types.js';
import { readEvalExamples } from '../gates/evalExamples.js';
import { requireWandb, type WandbActivityDeps } from '../wandb/deps.js';
import { wandbCalling } from '../wandb/errors.js';
import { fetchVersion, versionRef } from '../wandb/promotion.js';

export interface GoldenSetInput {
  target: WandbTarget;
  /** The model whose behaviour is recorded, and what to pass as `model` to call it. */
  model: string;
  callAs: string;
  /** Its model version (`entity/project/model-metadata:vN`), for lineage. */
  modelVersion: string;
  /** The W&B dataset version whose prompts are asked (the eval or validation set it was trained with). */
  dataset: string;
  maxExamples: number;
  /** Collection name, e.g. golden-<job id>. */
  name: string;
}

export interface GoldenSet {
  ref: string;
  examples: number;
  promptTokens: number;
  completionTokens: number;
  sourceModel: string;
}

/**
 * Records a model's behaviour before it stops serving: its answers to the eval prompts, as a W&B
 * dataset version in chat JSONL (the model's answer as the assistant reply), so another model can
 * be gated on agreeing with it after the original is gone.
 */
export async function recordGoldenSet(
  chat: ChatFn,
  deps: WandbActivityDeps,
  input: GoldenSetInput,
): Promise<GoldenSet> {
  const wandb = requireWandb(deps);
  const ctx = Context.current();
  const source = await fetchVersion(wandb, input.target, input.dataset);
  if (!source) {
    throw ApplicationFailure.nonRetryable(
      `${input.dataset} is not in W&B: nothing to record answers on`,
      ErrorType.WandbNotFound,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'finetune-golden-'));
  try {
    const got = await wandbCalling(`Downloading ${input.dataset}`, () =>
      wandb.downloadArtifact(source.id, join(dir, 'in')),
    );
    const file = got.files.find((f) => f.path.endsWith('.jsonl'));
    if (!file)
      throw ApplicationFailure.nonRetryable(
        `${input.dataset} holds no JSONL file`,
        ErrorType.WandbNotFound,
      );
    const { examples } = await readEvalExamples(
      file.localPath,
      input.maxExamples,
      ctx.cancellationSignal,
    );
    const outPath = join(dir, 'golden.jsonl');
    const out = createWriteStream(outPath);
    let promptTokens = 0;
    let completionTokens = 0;
    for (const [i, e] of examples.entries()) {
      const a = await chat({
        model: input.callAs,
        messages: e.messages,
        signal: ctx.cancellationSignal,
      });
      promptTokens += a.promptTokens;
      completionTokens += a.completionTokens;
      const line = JSON.stringify({
        messages: [...e.messages, { role: 'assistant', content: a.content }],
      });
      if (!out.write(`${line}\n`)) await once(out, 'drain');
      ctx.heartbeat({ done: i + 1, of: examples.length });
    }
    out.end();
    await once(out, 'finish');
    const runId = `golden-${input.name}`.slice(0, 64);
    await wandbCalling('Opening the golden-set run', () =>
      wandb.upsertRun({
        runId,
        ...input.target,
        displayName: `golden set of ${input.model}`,
        jobType: 'golden-set',
        config: { model: input.model },
      }),
    );
    const logged = await wandbCalling(`Logging the golden set ${input.name}`, () =>
      wandb.logArtifact({
        ...input.target,
        runId,
        role: 'output',
        name: input.name,
        type: 'dataset',
        description: `Answers of ${input.model} on ${versionRef(source)}, recorded before it stops serving`,
        metadata: {
          role: 'golden-set',
          sourceModel: input.model,
          sourceModelVersion: input.modelVersion,
          promptsFrom: versionRef(source),
          examples: examples.length,
        },
        files: [{ path: 'golden.jsonl', source: { path: outPath } }],
      }),
    );
    await wandbCalling('Finishing the golden-set run', () =>
      wandb
        .fileStream({ ...input.target, runId })
        .finish({ exitCode: 0, signal: ctx.cancellationSignal }),
    );
    const version = await wandbCalling('Reading the golden set', () =>
      wandb.fetchArtifactById(logged.id),
    );
    return {
      ref: version
        ? versionRef(version)
        : `${input.target.entity}/${input.target.project}/${input.name}:latest`,
      examples: examples.length,
      promptTokens,
      completionTokens,
      sourceModel: input.model,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
