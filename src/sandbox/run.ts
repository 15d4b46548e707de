import type { ReceivedEvent } from '../events/receiver.js';
import type { ServingRecord } from '../shared/providerTypes.js';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import {
  getPipelineStatus,
  rootMessage,
  startFineTunePipeline,
  type PipelineStatus,
} from '../client/pipeline.js';
import { decidePromotion } from '../client/promotion.js';
import { renderStatus } from '../cli/render.js';
import { projectRoot } from '../projectRoot.js';
import type {
  ApprovalRecord,
  Decision,
  DecisionKind,
  DecisionReply,
  DecisionRequest,
  GateName,
  GatePolicy,
  GateVerdict,
  PromotionConfig,
} from '../shared/promotionTypes.js';
import type { PipelineInput, PipelineStage } from '../shared/types.js';
import { describeSandbox, type SandboxWhere } from './instructions.js';
import { SANDBOX_TASK_QUEUE, startSandboxStack, type SandboxStack } from './stack.js';
import { approvalRequest, decideSigned, signDecision } from '../client/signedDecision.js';
import { verifyModelLineage } from '../client/verifyLineage.js';
import { SYNC_DEFAULTS } from '../shared/syncTypes.js';
import { prepareSandboxSigning, type SandboxSigning } from './signedApproval.js';

export type { SandboxWhere } from './instructions.js';

export interface SandboxOptions {
  ui: boolean;
  persist: boolean;
  /** Where the sandbox keeps its state with `persist` (default `.sandbox` in the project). */
  stateDir?: string;
  runningSeconds: number;
  dropWebhooks: boolean;
  /** The emulated job fails part-way through training: how a failed pipeline looks, on purpose. */
  failTraining?: boolean;
  /**
   * Approve at once as this person (recorded with how = auto), as `--json` does. Absent: the
   * pipeline waits at `awaiting_approval` for a person (`onAwaitingApproval` says how).
   */
  autoApprove?: { by: string; comment?: string };
  /**
   * The provider the sandbox trains on (all emulated): OpenAI, Azure with deployments, or
   * Together (no webhooks; a dedicated endpoint at promotion; no state kept between runs).
   */
  provider?: 'openai' | 'azure' | 'together';
  /**
   * Signed approvals: a generated ed25519 key and a policy naming it (in the state folder); the
   * worker then requires signed decisions, the sandbox signs with the key (also with
   * `autoApprove`) and re-checks the promoted version as `lineage --verify` does.
   */
  signed?: boolean;
  /** The stack stays up after the result (the caller stops it either way); noted in the result. */
  keep?: boolean;
  /** Aborting stops waiting, stops the stack and rejects with SandboxInterruptedError. */
  signal?: AbortSignal;
  /** Called with a rendered status while the pipeline runs (for a terminal). */
  onProgress?: (rendered: string) => void;
  /** Called once everything is up, with where to watch. */
  onReady?: (where: SandboxWhere) => void;
  /** Called at start with what a person should know about the kept state (an older folder). */
  onNotice?: (text: string) => void;
  /** Called with each signed event the pipeline sends, as the sandbox's receiver verified it. */
  onEvent?: (event: ReceivedEvent) => void;
  /**
   * Called once when the pipeline waits for a decision. May return a cleanup, called when the
   * pipeline moves on (decided here or elsewhere) or the sandbox stops.
   */
  onAwaitingApproval?: (pause: ApprovalPause) => void | (() => void);
}

export interface ApprovalPause {
  where: SandboxWhere;
  /** The gates' results (and any refused requests) so far. */
  approval: ApprovalRecord;
  /** The status as `finetune status` renders it. */
  rendered: string;
  /** Decides through the `decidePromotion` Update, as `finetune approve/reject` does. */
  decide(decision: DecisionKind, request: DecisionRequest): Promise<DecisionReply>;
  /** With `signed`: the key `decide` signs with (a person may use it with `--sign` too). */
  signKey?: string;
}

/** The sandbox was stopped (Ctrl-C) before the pipeline ended. */
export class SandboxInterruptedError extends Error {
  override name = 'SandboxInterruptedError';
  constructor(
    readonly workflowId: string | undefined,
    readonly stage: PipelineStage | undefined,
  ) {
    super(
      workflowId
        ? `stopped while pipeline ${workflowId} was at ${stage ?? 'an unknown stage'}`
        : 'stopped before the pipeline started',
    );
  }
}

/** The one JSON object `finetune sandbox --json` prints. */
export interface SandboxResult {
  /** `succeeded`: the pipeline completed (trained; promoted or rejected, see `stage`). */
  status: 'succeeded' | 'failed';
  /** The (emulated) provider it trained on. */
  provider: 'openai' | 'azure' | 'together';
  /** Where the pipeline ended: `promoted`, `rejected`, `failed`, … */
  stage: PipelineStage | null;
  workflowId: string;
  jobId: string | null;
  fineTunedModel: string | null;
  error?: string;
  where: SandboxWhere;
  wandb: {
    /** Where the data went: the local W&B emulator or the user's W&B server. */
    server: string;
    emulated: boolean;
    runPath: string | null;
    datasetVersions: { role: string; ref: string; created: boolean }[];
    artifacts: string[];
    errors: string[];
    skipped?: string;
  };
  datasets: { role: string; examples: number; billableTokens: number; digest: string }[];
  files: string[];
  /** The promotion gates, in the order they ran. */
  gates: { gate: GateName; policy: GatePolicy; verdict: GateVerdict; summary: string }[];
  /** Who decided, how (`auto` for --json) and when; null when nobody did. */
  decision: Decision | null;
  /** What the approval moved: the model version now holding the alias, what it replaced. */
  promotion: {
    promoted: boolean;
    alias: string;
    modelVersion: string | null;
    replaced: string | null;
    datasetVersions: { role: string; ref: string; replaced: string | null }[];
    registryLink?: string;
    /** How the model is served (on Azure: its deployment, probed until it answered). */
    serving?: ServingRecord;
    note?: string;
  } | null;
  webhooks: { accepted: number; signalled: number };
  /** With `signed`: the key, the policy, and `lineage --verify` of the promoted version. */
  signed?: {
    approver: string;
    keyFile: string;
    fingerprint: string;
    policyFile: string;
    policyDigest: string;
    /** `lineage --verify` passed; null when nothing was promoted to verify. */
    verified: boolean | null;
    problems: string[];
  };
  /** Present when the stack keeps running after this result (--keep): how to stop it. */
  kept?: { pid: number; stop: string };
  wallMs: number;
}

/** The open-weight base the Together sandbox trains (fine-tunable, and served per token). */
export const SANDBOX_TOGETHER_BASE = 'Qwen/Qwen3-8B';

export function sampleInput(
  promotion?: PromotionConfig | false,
  model = 'gpt-4.1-mini-2025-04-14',
): PipelineInput {
  const data = join(projectRoot(), 'data', 'sample');
  return {
    training: { path: join(data, 'train.jsonl') },
    validation: { path: join(data, 'valid.jsonl') },
    model,
    method: { type: 'supervised', hyperparameters: { n_epochs: 3 } },
    suffix: 'sandbox',
    // Short safety-net polls so progress shows while the emulated job trains.
    wait: { minPollMs: 1000, maxPollMs: 5000, progressPollMs: 1000 },
    ...(promotion !== undefined ? { promotion } : {}),
  };
}

/**
 * Runs a real pipeline end to end on this machine: a Temporal dev server (with its Web UI), the
 * OpenAI and W&B emulators, the webhook receiver and a worker, on the bundled sample dataset,
 * through governed promotion. Returns with the stack still running: the caller stops it.
 */
export async function runSandbox(
  opts: SandboxOptions,
): Promise<{ result: SandboxResult; stack: SandboxStack }> {
  const began = Date.now();
  const runningMs = Math.max(1, opts.runningSeconds) * 1000;
  const together = opts.provider === 'together';
  const signing = opts.signed
    ? prepareSandboxSigning(opts.stateDir ?? join(projectRoot(), '.sandbox'), userInfo().username)
    : undefined;
  const stack = await startSandboxStack({
    ...(signing ? { approvalPolicy: signing.policyFile } : {}),
    ui: opts.ui,
    persist: opts.persist,
    ...(together ? { together: { failTraining: opts.failTraining ?? false } } : {}),
    ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
    dropWebhooks: opts.dropWebhooks,
    onEvent: opts.onEvent,
    emulator: {
      durations: { validatingMs: 800, queuedMs: 800, runningMs },
      steps: 30,
      ...(opts.failTraining ? { failTraining: () => true } : {}),
      ...(opts.provider === 'azure' ? { flavor: 'azure' as const } : {}),
    },
  });
  for (const notice of stack.notices) opts.onNotice?.(notice);
  let lastStage: PipelineStage | undefined;
  // Every call the sandbox makes is cancelled before the connection closes: a long poll still
  // retrying on a closed channel would throw from a timer and crash the process. One signal per
  // call: the client adds an abort listener per gRPC call and never removes it.
  const live = new Set<AbortController>();
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    const ac = new AbortController();
    live.add(ac);
    try {
      return await stack.client.withAbortSignal(ac.signal, fn);
    } finally {
      live.delete(ac);
    }
  };
  const abortCalls = () => {
    for (const ac of live) ac.abort();
  };
  try {
    if (opts.signal?.aborted) throw new SandboxInterruptedError(undefined, undefined);
    // Under a policy nothing approves unsigned: the sandbox signs for `autoApprove` instead.
    const promotion: PromotionConfig =
      opts.autoApprove && !signing
        ? { autoApprove: opts.autoApprove, startedBy: 'sandbox' }
        : { startedBy: 'sandbox' };
    const input = sampleInput(promotion, together ? SANDBOX_TOGETHER_BASE : undefined);
    const started = await startFineTunePipeline(stack.client, input, {
      taskQueue: SANDBOX_TASK_QUEUE,
      workflowId: `sandbox-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    });
    const where = describeSandbox({
      workflowId: started.workflowId,
      temporalAddress: stack.server.address,
      namespace: stack.server.namespace,
      taskQueue: SANDBOX_TASK_QUEUE,
      uiUrl: stack.server.uiUrl,
      openaiUrl: stack.provider.url,
      openaiKey: stack.provider.key,
      ...(together ? { providerEnv: stack.provider.env } : {}),
      wandbBaseUrl: stack.wandb.baseUrl,
      wandbEmulatorKey: stack.wandb.emulatorKey ?? null,
      webhookReceiver: stack.receiver?.url ?? 'none (the provider sends no webhooks)',
      temporalCli: stack.server.cli.path,
      cwd: process.cwd(),
      sample: {
        training: input.training.path,
        validation: input.validation!.path,
        model: input.model,
      },
    });
    opts.onReady?.(where);
    const watcher =
      opts.onProgress || opts.onAwaitingApproval
        ? startWatcher(stack, where, opts, call, (s) => (lastStage = s), signing)
        : undefined;
    const autoSigned =
      signing && opts.autoApprove
        ? signWhenAwaiting(stack, where.workflowId, signing, opts.autoApprove.comment, call)
        : undefined;
    let outcome: { ok: true; jobId: string; model: string } | { ok: false; error: string };
    const result = call(() => started.handle.result());
    try {
      const r = await untilAborted(result, opts.signal);
      outcome = { ok: true, jobId: r.jobId, model: r.fineTunedModel };
    } catch (err) {
      if (err instanceof AbortedError) {
        abortCalls();
        await settled(result, 2000);
        throw new SandboxInterruptedError(started.workflowId, lastStage);
      }
      outcome = { ok: false, error: rootMessage(err) };
    } finally {
      await watcher?.stop();
      await autoSigned?.catch(() => undefined);
    }
    const final = await call(() => getPipelineStatus(stack.client, started.workflowId));
    if (opts.onProgress) opts.onProgress(renderStatus(final, Date.now(), where.commands));
    const sandboxResult = resultOf(final, outcome, where, stack, began, opts.provider ?? 'openai');
    if (signing) sandboxResult.signed = await verifySigned(stack, sandboxResult, signing, call);
    if (opts.keep) sandboxResult.kept = { pid: process.pid, stop: `kill -INT ${process.pid}` };
    return { result: sandboxResult, stack };
  } catch (err) {
    abortCalls();
    await stack.stop();
    throw err;
  }
}

/** `--signed --json`: signs the approval with the sandbox's key once the pipeline waits for it. */
async function signWhenAwaiting(
  stack: SandboxStack,
  workflowId: string,
  signing: SandboxSigning,
  comment: string | undefined,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  for (;;) {
    const d = await call(() => stack.client.workflow.getHandle(workflowId).describe());
    if (d.status.name !== 'RUNNING') return;
    const view = await call(() => approvalRequest(stack.client, workflowId)).catch(() => undefined);
    if (view?.stage === 'awaiting_approval' && view.candidate) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await call(async () =>
    decideSigned(
      stack.client,
      workflowId,
      'approve',
      await signDecision(stack.client, workflowId, signing.keyFile, {
        decision: 'approve',
        ...(comment ? { comment } : {}),
      }),
    ),
  );
}

/** What `lineage <job> --verify` says of the version the signed approval promoted. */
async function verifySigned(
  stack: SandboxStack,
  r: SandboxResult,
  signing: SandboxSigning,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<NonNullable<SandboxResult['signed']>> {
  const base = {
    approver: signing.principal,
    keyFile: signing.keyFile,
    fingerprint: signing.fingerprint,
    policyFile: signing.policyFile,
    policyDigest: signing.policyDigest,
  };
  if (!r.promotion?.promoted || !r.jobId) return { ...base, verified: null, problems: [] };
  try {
    const v = await call(() =>
      verifyModelLineage(
        stack.client,
        r.jobId!,
        {
          project: SYNC_DEFAULTS.project,
          ...(stack.wandb.entity ? { entity: stack.wandb.entity } : {}),
          collection: SYNC_DEFAULTS.modelArtifactName,
          taskQueue: SANDBOX_TASK_QUEUE,
        },
        { currentPolicyFile: signing.policyFile },
      ),
    );
    return { ...base, verified: v.verification.ok, problems: v.verification.problems };
  } catch (err) {
    return { ...base, verified: false, problems: [rootMessage(err)] };
  }
}

function resultOf(
  final: PipelineStatus,
  outcome: { ok: true; jobId: string; model: string } | { ok: false; error: string },
  where: SandboxWhere,
  stack: SandboxStack,
  began: number,
  provider: 'openai' | 'azure' | 'together',
): SandboxResult {
  const progress = final.progress;
  const approval = final.result?.approval ?? progress?.approval;
  const p = approval?.promotion;
  return {
    status: outcome.ok ? 'succeeded' : 'failed',
    provider,
    stage: final.result?.stage ?? progress?.stage ?? null,
    workflowId: final.workflowId,
    jobId: outcome.ok ? outcome.jobId : (progress?.jobId ?? null),
    fineTunedModel: outcome.ok ? outcome.model : null,
    ...(outcome.ok ? {} : { error: outcome.error }),
    where,
    wandb: {
      server: stack.wandb.baseUrl,
      emulated: stack.wandb.emulated,
      runPath: progress?.wandb?.runPath ?? null,
      datasetVersions: progress?.wandb?.datasetVersions ?? [],
      artifacts: progress?.wandb?.artifacts ?? [],
      errors: progress?.wandb?.errors ?? [],
      ...(progress?.wandb?.skipped ? { skipped: progress.wandb.skipped } : {}),
    },
    datasets: (progress?.datasets ?? []).map((d) => ({
      role: d.role,
      examples: d.examples,
      billableTokens: d.billableTokens,
      digest: d.digest,
    })),
    files: (progress?.files ?? []).map((f) => f.fileId),
    gates: (approval?.gates ?? []).map((g) => ({
      gate: g.gate,
      policy: g.policy,
      verdict: g.verdict,
      summary: g.summary,
    })),
    decision: approval?.decision ?? null,
    promotion: p
      ? {
          promoted: p.promoted,
          alias: p.alias,
          modelVersion: p.modelVersion ?? null,
          replaced: p.replaced ?? null,
          datasetVersions: p.datasetVersions,
          ...(p.registryLink ? { registryLink: p.registryLink } : {}),
          ...(p.serving ? { serving: p.serving } : {}),
          ...(p.note ? { note: p.note } : {}),
        }
      : null,
    webhooks: {
      accepted: stack.receiver?.stats.accepted ?? 0,
      signalled: stack.receiver?.stats.signalled ?? 0,
    },
    wallMs: Date.now() - began,
  };
}

class AbortedError extends Error {}

/** Waits for a promise to settle, either way, for at most `ms`. */
async function settled(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise((r) => (timer = setTimeout(r, ms))),
  ]);
  clearTimeout(timer);
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new AbortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Polls the pipeline each second: progress for the terminal, and the approval pause, once. */
function startWatcher(
  stack: SandboxStack,
  where: SandboxWhere,
  opts: SandboxOptions,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
  onStage: (stage: PipelineStage) => void,
  signing?: SandboxSigning,
): { stop(): Promise<void> } {
  let inFlight: Promise<void> | undefined;
  let paused = false;
  let cleanup: (() => void) | undefined;
  const leavePause = () => {
    const c = cleanup;
    cleanup = undefined;
    c?.();
  };
  // Signed (`--signed`): the sandbox's key signs the person's decision, as `--sign` would.
  const decide = (decision: DecisionKind, request: DecisionRequest) =>
    call(async () =>
      signing
        ? decideSigned(
            stack.client,
            where.workflowId,
            decision,
            await signDecision(stack.client, where.workflowId, signing.keyFile, {
              decision,
              ...(request.comment ? { comment: request.comment } : {}),
            }),
          )
        : decidePromotion(stack.client, where.workflowId, decision, request),
    );
  const tick = async () => {
    const s = await call(() => getPipelineStatus(stack.client, where.workflowId));
    const stage = s.progress?.stage;
    if (stage) onStage(stage);
    const rendered = renderStatus(s, Date.now(), where.commands);
    opts.onProgress?.(rendered);
    const waiting = stage === 'awaiting_approval' && !s.progress?.approval?.decision;
    if (waiting && !paused && opts.onAwaitingApproval) {
      paused = true;
      const approval = s.progress?.approval ?? { gates: [], ignored: [] };
      cleanup =
        opts.onAwaitingApproval({
          where,
          approval,
          rendered,
          decide,
          ...(signing ? { signKey: signing.keyFile } : {}),
        }) ?? undefined;
    } else if (!waiting && paused) {
      leavePause();
    }
  };
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = tick()
      .catch(() => undefined)
      .finally(() => (inFlight = undefined));
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      leavePause();
      await inFlight;
    },
  };
}
