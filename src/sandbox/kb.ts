import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decideKnowledgeBase,
  getKnowledgeBaseStatus,
  startKnowledgeBaseIngest,
  type KnowledgeBaseStatus,
} from '../client/knowledgeBase.js';
import { renderKbStatus } from '../cli/renderKnowledgeBase.js';
import type { RetrievalArm } from '../shared/kbGateTypes.js';
import type { EmbedReport, KnowledgeBaseInput } from '../shared/knowledgeBaseTypes.js';
import type {
  Decision,
  DecisionKind,
  DecisionReply,
  DecisionRequest,
  GateName,
  GatePolicy,
  GateVerdict,
} from '../shared/promotionTypes.js';
import { kbSample, SAMPLE_KB, writeChangedCopy } from './kbSample.js';
import { SANDBOX_TASK_QUEUE, startSandboxStack, type SandboxStack } from './stack.js';

// `finetune sandbox --kb`: the knowledge-base pipeline on this machine with no keys. A first
// ingest of the bundled handbook waits for a person, then a changed copy (two documents edited,
// one added, one removed) is ingested against it: the retrieval A/B against production and the
// embeddings requested vs reused are what it shows.

export interface KbSandboxOptions {
  ui: boolean;
  persist: boolean;
  stateDir?: string;
  /** Approve both ingests at once as this person (unattended, as --json does). */
  autoApprove?: { by: string; comment?: string };
  signal?: AbortSignal;
  onReady?: (where: KbSandboxWhere) => void;
  onNotice?: (text: string) => void;
  /** A rendered status while an ingest runs (for a terminal). */
  onProgress?: (rendered: string) => void;
  /** Called once per ingest waiting for a decision; may return a cleanup for when it moves on. */
  onAwaitingApproval?: (pause: KbApprovalPause) => void | (() => void);
}

export interface KbSandboxWhere {
  kb: string;
  temporalAddress: string;
  namespace: string;
  webUi: string | undefined;
  /** The worker's knowledge-base folder (LanceDB store and embedding cache), removed at stop. */
  kbDir: string;
  /** Commands that reach this sandbox from another terminal. */
  commands: { list: string; resolve: string; query: string };
}

export interface KbApprovalPause {
  workflowId: string;
  /** Which ingest: the bundled sample, or its changed copy. */
  corpus: 'sample' | 'changed';
  rendered: string;
  /** Commands that decide from another terminal. */
  approve: string;
  reject: string;
  decide(decision: DecisionKind, request: DecisionRequest): Promise<DecisionReply>;
}

/** One ingest, as the result reports it. */
export interface KbSandboxRun {
  corpus: 'sample' | 'changed';
  workflowId: string;
  stage: string | null;
  versionId: string | null;
  documents: number | null;
  chunks: number | null;
  embed: EmbedReport | null;
  corpusChange: { added: number; removed: number; changed: number } | null;
  gates: { gate: GateName; policy: GatePolicy; verdict: GateVerdict; summary: string }[];
  /** The retrieval A/B on the golden set: candidate and production (null: none yet). */
  retrieval: { k: number; candidate: RetrievalArm; production: RetrievalArm | null } | null;
  decision: Decision | null;
  wandbIndex: string | null;
  error?: string;
}

/** The one JSON object `finetune sandbox --kb --json` prints. */
export interface KbSandboxResult {
  /** `succeeded`: both ingests completed (promoted or rejected: see each run's stage). */
  status: 'succeeded' | 'failed';
  kb: string;
  runs: KbSandboxRun[];
  /** The version production holds at the end. */
  production: string | null;
  /** The changed copy's embeddings: texts sent vs chunks whose vectors were reused. */
  reuse: {
    requested: number;
    reused: number;
    keptFromProduction: number;
    fromCache: number;
    chunks: number;
  } | null;
  where: KbSandboxWhere;
  wallMs: number;
}

export class KbSandboxInterruptedError extends Error {
  override name = 'KbSandboxInterruptedError';
}

const sandboxInput = (
  sources: string,
  golden: string,
  promotion: KnowledgeBaseInput['promotion'],
) =>
  ({
    kb: SAMPLE_KB,
    sources: [sources],
    // Short documents: chunks of a few sentences, so an edit changes one or two of them.
    chunking: { size: 240, overlap: 40 },
    embedding: { model: 'text-embedding-3-small', dimensions: 256 },
    golden: { path: golden },
    gates: { retrieval: 'block', retrievalOptions: { k: 3 } },
    promotion,
  }) satisfies KnowledgeBaseInput;

/**
 * Runs two real ingests on a local stack (dev server, OpenAI and W&B emulators, a worker whose
 * knowledge-base folder is a fresh temporary one). Returns with the stack running: the caller
 * stops it (`stop()` also removes the folder).
 */
export async function runKbSandbox(
  opts: KbSandboxOptions,
): Promise<{ result: KbSandboxResult; stack: SandboxStack; stop: () => Promise<void> }> {
  const began = Date.now();
  // Fresh each run: a kept cache would embed nothing and show no reuse worth the name.
  const kbDir = mkdtempSync(join(tmpdir(), 'finetune-sandbox-kb-'));
  let stack: SandboxStack;
  try {
    stack = await startSandboxStack({
      ui: opts.ui,
      persist: opts.persist,
      ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
      dropWebhooks: false,
      emulator: {},
      knowledgeBase: { dir: kbDir, batchInputs: 64 },
    });
  } catch (err) {
    rmSync(kbDir, { recursive: true, force: true });
    throw err;
  }
  const stop = async () => {
    await stack.stop();
    rmSync(kbDir, { recursive: true, force: true });
  };
  try {
    for (const notice of stack.notices) opts.onNotice?.(notice);
    const reach = `--address ${stack.server.address}`;
    const where: KbSandboxWhere = {
      kb: SAMPLE_KB,
      temporalAddress: stack.server.address,
      namespace: stack.server.namespace,
      webUi: stack.server.uiUrl
        ? `${stack.server.uiUrl}/namespaces/${encodeURIComponent(stack.server.namespace)}/workflows`
        : undefined,
      kbDir,
      commands: {
        list: `npx finetune kb list --kb ${SAMPLE_KB} ${reach}`,
        resolve: `npx finetune kb resolve --kb ${SAMPLE_KB} ${reach}`,
        query: `npx finetune kb query --kb ${SAMPLE_KB} "How do I roll back a release?" ${reach}`,
      },
    };
    opts.onReady?.(where);
    const sample = kbSample();
    const promotion = opts.autoApprove
      ? { autoApprove: opts.autoApprove, startedBy: 'sandbox' }
      : { startedBy: 'sandbox' };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const first = await ingest(stack, opts, reach, {
      corpus: 'sample',
      workflowId: `sandbox-kb-${stamp}-1`,
      input: sandboxInput(sample.documents, sample.golden, promotion),
    });
    const runs = [first];
    if (first.stage === 'promoted') {
      const changed = join(kbDir, 'changed-copy');
      writeChangedCopy(sample, changed);
      runs.push(
        await ingest(stack, opts, reach, {
          corpus: 'changed',
          workflowId: `sandbox-kb-${stamp}-2`,
          input: sandboxInput(changed, sample.golden, promotion),
        }),
      );
    }
    const status = runs.length === 2 && runs.every((r) => !r.error) ? 'succeeded' : 'failed';
    const production = [...runs].reverse().find((r) => r.stage === 'promoted')?.versionId ?? null;
    const e = runs[1]?.embed;
    return {
      result: {
        status,
        kb: SAMPLE_KB,
        runs,
        production,
        reuse: e
          ? {
              requested: e.requested,
              reused: e.keptFromBase + e.reusedFromCache,
              keptFromProduction: e.keptFromBase,
              fromCache: e.reusedFromCache,
              chunks: e.chunks,
            }
          : null,
        where,
        wallMs: Date.now() - began,
      },
      stack,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One ingest to its end: progress each second, the approval pause once. */
async function ingest(
  stack: SandboxStack,
  opts: KbSandboxOptions,
  reach: string,
  run: { corpus: 'sample' | 'changed'; workflowId: string; input: KnowledgeBaseInput },
): Promise<KbSandboxRun> {
  if (opts.signal?.aborted) throw new KbSandboxInterruptedError('stopped before an ingest started');
  const options = { taskQueue: SANDBOX_TASK_QUEUE, workflowId: run.workflowId };
  const started = await startKnowledgeBaseIngest(stack.client, run.input, options);
  let paused = false;
  let cleanup: (() => void) | undefined;
  let status: KnowledgeBaseStatus | undefined;
  for (;;) {
    if (opts.signal?.aborted) {
      cleanup?.();
      throw new KbSandboxInterruptedError(`stopped while ingest ${run.workflowId} was running`);
    }
    status = await getKnowledgeBaseStatus(stack.client, run.workflowId);
    if (status.execution !== 'RUNNING') break;
    const rendered = renderKbStatus(status);
    opts.onProgress?.(rendered);
    const waiting =
      status.progress?.stage === 'awaiting_approval' && !status.progress.approval?.decision;
    if (waiting && !paused && opts.onAwaitingApproval) {
      paused = true;
      cleanup =
        opts.onAwaitingApproval({
          workflowId: run.workflowId,
          corpus: run.corpus,
          rendered,
          approve: `npx finetune kb approve ${run.workflowId} --by "$USER" ${reach}`,
          reject: `npx finetune kb reject ${run.workflowId} --by "$USER" ${reach}`,
          decide: (decision, request) =>
            decideKnowledgeBase(stack.client, run.workflowId, decision, request, options),
        }) ?? undefined;
    } else if (!waiting && paused) {
      cleanup?.();
      cleanup = undefined;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  cleanup?.();
  await started.handle.result().catch(() => undefined);
  opts.onProgress?.(renderKbStatus(status));
  return summarise(run.corpus, status);
}

function summarise(corpus: 'sample' | 'changed', s: KnowledgeBaseStatus): KbSandboxRun {
  const p = s.result ?? s.progress;
  const approval = s.result?.approval ?? s.progress?.approval;
  const retrieval = approval?.gates.find((g) => g.gate === 'retrieval')?.retrieval;
  const change = s.result?.corpusChange ?? s.progress?.corpusChange;
  return {
    corpus,
    workflowId: s.workflowId,
    stage: s.result?.stage ?? s.progress?.stage ?? s.stage ?? null,
    versionId: p?.index?.versionId ?? null,
    documents: p?.corpus?.documents ?? null,
    chunks: p?.corpus?.chunks ?? null,
    embed: p?.embed ?? null,
    corpusChange: change
      ? {
          added: change.documents.added,
          removed: change.documents.removed,
          changed: change.documents.changed,
        }
      : null,
    gates: (approval?.gates ?? []).map((g) => ({
      gate: g.gate,
      policy: g.policy,
      verdict: g.verdict,
      summary: g.summary,
    })),
    retrieval: retrieval
      ? { k: retrieval.k, candidate: retrieval.candidate, production: retrieval.production }
      : null,
    decision: approval?.decision ?? null,
    wandbIndex: p?.wandb?.index ?? null,
    ...(s.failure ? { error: s.failure } : {}),
  };
}
