import { userInfo } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { Command, Option } from 'commander';
import type { KnowledgeBaseStatus } from '../../client/knowledgeBase.js';
import { parseEvery } from '../../client/schedule.js';
import type { KbPromotionConfig, KnowledgeBaseInput } from '../../shared/knowledgeBaseTypes.js';
import { KB_DEFAULTS } from '../../shared/knowledgeBaseTypes.js';
import type { GatePolicy } from '../../shared/promotionTypes.js';
import { TASK_QUEUE } from '../../shared/types.js';
import { EXIT, pipelineExitCode } from '../exitCodes.js';
import { numberIn } from '../numberOption.js';
import {
  renderKbAnswer,
  renderKbMove,
  renderKbResolved,
  renderKbStatus,
} from '../renderKnowledgeBase.js';
import { clientFor, withTemporalFlags, type TemporalFlags } from '../temporalOptions.js';
import { UserError } from '../userError.js';
import { addWaitFlags } from '../waitFlags.js';

// `finetune kb …`: the knowledge base's commands, each a call of one library function
// (src/client/knowledgeBase.ts). Loaded only when `finetune kb` runs.

interface KbFlags extends TemporalFlags {
  taskQueue: string;
  json: boolean;
}

interface WhereFlags extends KbFlags {
  kb: string;
  store?: string;
  project: string;
  entity?: string;
  wandb: boolean;
}

const GATE = ['off', 'warn', 'block'] as const;

/** The client library, loaded on first use (so `--help` never loads Temporal). */
const lib = () => import('../../client/knowledgeBase.js');

function common(cmd: Command): Command {
  return withTemporalFlags(cmd)
    .option('--task-queue <name>', 'task queue of the worker', TASK_QUEUE)
    .option('--json', 'print JSON', false);
}

function where(cmd: Command): Command {
  return common(cmd)
    .requiredOption('--kb <name>', 'the knowledge base')
    .option(
      '--store <location>',
      "a LanceDB folder or postgres://user@host:port/db on the worker (default: the worker's FINETUNE_KB_STORE)",
    )
    .option('--project <name>', 'W&B project', KB_DEFAULTS.project)
    .option('--entity <name>', "W&B entity (default: the worker key's default entity)")
    .option('--no-wandb', 'leave W&B out (the store alone)');
}

const wandbOf = (f: WhereFlags) =>
  f.wandb ? { project: f.project, ...(f.entity ? { entity: f.entity } : {}) } : (false as const);

const readInput = (f: WhereFlags) => ({
  kb: f.kb,
  ...(f.store ? { store: f.store } : {}),
  wandb: wandbOf(f),
});

function print(f: { json: boolean }, value: unknown, text: () => string): void {
  process.stdout.write(f.json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

/** The library's failures as one line for a person (exit 1). */
async function asUserError<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

interface IngestFlags extends WhereFlags {
  chunkSize?: number;
  chunkOverlap?: number;
  model?: string;
  dimensions?: number;
  golden?: string;
  goldenVersion?: string;
  noGolden?: boolean;
  gatePii?: GatePolicy;
  gateCorpus?: GatePolicy;
  gateRetrieval?: GatePolicy;
  k?: number;
  maxDrop?: number;
  approver?: string[];
  requireSecondPerson: boolean;
  startedBy?: string;
  autoApprove?: string;
  approvalTimeout?: string;
  onTimeout: 'approve' | 'reject';
  promotion: boolean;
  wait: boolean;
  detach: boolean;
}

/** `--approval-timeout`: a duration like the fine-tune's (`30m`, `2d`); a bare number is minutes. */
function approvalTimeoutMs(raw: string): number {
  if (/^\d+$/.test(raw.trim())) return Number(raw) * 60_000;
  try {
    return parseEvery(raw);
  } catch (err) {
    throw new UserError(`--approval-timeout: ${(err as Error).message}`);
  }
}

function ingestInput(sources: string[], f: IngestFlags): KnowledgeBaseInput {
  const promotion: KbPromotionConfig = {
    ...(f.approver?.length ? { approvers: f.approver } : {}),
    ...(f.requireSecondPerson ? { requireSecondPerson: true } : {}),
    startedBy: f.startedBy ?? userInfo().username,
    ...(f.autoApprove ? { autoApprove: { by: f.autoApprove } } : {}),
    ...(f.approvalTimeout
      ? { approvalTimeoutMs: approvalTimeoutMs(f.approvalTimeout), onTimeout: f.onTimeout }
      : {}),
  };
  const gates = {
    ...(f.gatePii ? { pii: f.gatePii } : {}),
    ...(f.gateCorpus ? { corpusChange: f.gateCorpus } : {}),
    ...(f.gateRetrieval ? { retrieval: f.gateRetrieval } : {}),
    ...(f.k !== undefined || f.maxDrop !== undefined
      ? {
          retrievalOptions: {
            ...(f.k !== undefined ? { k: f.k } : {}),
            ...(f.maxDrop !== undefined ? { maxDrop: f.maxDrop } : {}),
          },
        }
      : {}),
  };
  return {
    kb: f.kb,
    // Paths are the worker's; made absolute here, as a worker beside this shell sees them.
    sources: sources.map((s) => resolvePath(s)),
    ...(f.store
      ? { store: /^postgres(ql)?:\/\//.test(f.store) ? f.store : resolvePath(f.store) }
      : {}),
    ...(f.chunkSize !== undefined || f.chunkOverlap !== undefined
      ? { chunking: { size: f.chunkSize, overlap: f.chunkOverlap } }
      : {}),
    ...(f.model || f.dimensions ? { embedding: { model: f.model, dimensions: f.dimensions } } : {}),
    golden: f.noGolden
      ? false
      : f.golden
        ? { path: resolvePath(f.golden) }
        : f.goldenVersion
          ? { version: f.goldenVersion }
          : undefined,
    gates,
    promotion: f.promotion ? promotion : false,
    wandb: wandbOf(f),
  };
}

function ingestCommand(): Command {
  const cmd = where(
    new Command('ingest')
      .description(
        'Ingest documents (Markdown, text, HTML, JSONL) into a new index version beside production: chunks, embeddings (only what changed), gates, then a decision',
      )
      .argument('<sources...>', 'folders and files (paths on the worker)'),
  )
    .option('--chunk-size <chars>', 'largest chunk', numberIn(100, 8000, true))
    .option('--chunk-overlap <chars>', 'carried into the next chunk', numberIn(0, 4000, true))
    .option('--model <name>', `embedding model (default ${KB_DEFAULTS.embeddingModel})`)
    .option('--dimensions <n>', 'shorter vectors (text-embedding-3)', numberIn(1, 16000, true))
    .option('--golden <file>', 'golden set JSONL: {"question", "relevant": [document ids]}')
    .option('--golden-version <ref>', 'a W&B golden set version, e.g. v2 (default: the latest)')
    .option('--no-golden', 'no retrieval gate measurement')
    .addOption(new Option('--gate-pii <policy>', 'PII in the documents').choices(GATE))
    .addOption(
      new Option('--gate-corpus <policy>', 'corpus change against production').choices(GATE),
    )
    .addOption(
      new Option('--gate-retrieval <policy>', 'retrieval A/B on the golden set').choices(GATE),
    )
    .option('--k <n>', 'top k of the retrieval gate', numberIn(1, 100, true))
    .option(
      '--max-drop <share>',
      'how far below production the candidate may score',
      numberIn(0, 1),
    )
    // The fine-tune's desk, flag for flag (src/cli/promotionFlags.ts).
    .option('--approver <name...>', 'who may decide (default: anyone)')
    .option('--require-second-person', 'the starter may not approve their own ingest', false)
    .option('--started-by <name>', 'who starts it (default: your OS user name)')
    .option('--auto-approve <name>', 'approve as NAME unless a gate blocks (scripts)')
    .option('--approval-timeout <duration>', 'decide this way if nobody decides in time (e.g. 2d)')
    .addOption(
      new Option('--on-timeout <decision>', 'what the timeout decides')
        .choices(['approve', 'reject'])
        .default('reject'),
    )
    .option('--no-promotion', 'end at the sealed version: no decision, production untouched');
  return addWaitFlags(cmd, 'the ingest').action(async (sources: string[], f: IngestFlags) => {
    const { startKnowledgeBaseIngest } = await lib();
    const client = await clientFor(f);
    const started = await asUserError(
      startKnowledgeBaseIngest(client, ingestInput(sources, f), { taskQueue: f.taskQueue }),
    );
    if (!f.wait) {
      print(f, { workflowId: started.workflowId, runId: started.runId }, () =>
        [
          `started ${started.workflowId}`,
          `follow it: finetune kb status ${started.workflowId}`,
        ].join('\n'),
      );
      return;
    }
    // --wait: until the ingest ends (a person's decision included), as `start --wait` does.
    await started.handle.result().catch(() => undefined);
    const { getKnowledgeBaseStatus } = await lib();
    const status = await getKnowledgeBaseStatus(client, started.workflowId);
    print(f, status, () => renderKbStatus(status));
    process.exitCode = pipelineExitCode(status.execution, status.progress?.stage ?? status.stage);
  });
}

/** Polls the ingest until a person must decide or it ends. */
async function waitForPerson(
  client: Awaited<ReturnType<typeof clientFor>>,
  workflowId: string,
): Promise<KnowledgeBaseStatus> {
  const { getKnowledgeBaseStatus } = await lib();
  for (;;) {
    const s = await getKnowledgeBaseStatus(client, workflowId);
    if (s.execution !== 'RUNNING' || s.progress?.stage === 'awaiting_approval') return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function statusCommand(): Command {
  return common(
    new Command('status')
      .description("An ingest's stage, corpus, embeddings requested and reused, gates and decision")
      .argument('<workflowId>', 'the ingest'),
  )
    .option('--watch', 'return when a person must decide (exit 3) or the ingest ends', false)
    .action(async (workflowId: string, f: KbFlags & { watch: boolean }) => {
      const { getKnowledgeBaseStatus } = await lib();
      const client = await clientFor(f);
      const s = await asUserError(
        f.watch ? waitForPerson(client, workflowId) : getKnowledgeBaseStatus(client, workflowId),
      );
      print(f, s, () => renderKbStatus(s));
      process.exitCode = pipelineExitCode(s.execution, s.progress?.stage ?? s.stage);
    });
}

function decideCommand(decision: 'approve' | 'reject'): Command {
  return common(
    new Command(decision)
      .description(
        decision === 'approve'
          ? 'Approve an ingest awaiting approval: its index (and documents, chunks) become production'
          : 'Reject an ingest awaiting approval: production is untouched',
      )
      .argument('<workflowId>', 'the ingest'),
  )
    .requiredOption('--by <name>', 'who decides')
    .option('--comment <text>', 'why; recorded with the decision')
    .action(async (workflowId: string, f: KbFlags & { by: string; comment?: string }) => {
      const { decideKnowledgeBase } = await lib();
      const client = await clientFor(f);
      const reply = await asUserError(
        decideKnowledgeBase(
          client,
          workflowId,
          decision,
          { by: f.by, ...(f.comment ? { comment: f.comment } : {}) },
          { taskQueue: f.taskQueue },
        ),
      );
      print(f, reply, () => {
        const d = reply.decision;
        const moved = reply.promotion?.index;
        if (!d) return `recorded; the ingest waits for more approvals`;
        return `${d.decision}d by ${d.by}${moved ? `; production ${moved.from ?? 'none'} → ${moved.to}` : ''}`;
      });
    });
}

function rollbackCommand(): Command {
  return where(
    new Command('rollback').description(
      'Move production back (default: to what the current version replaced), in the store and in W&B',
    ),
  )
    .option('--to <version>', 'a W&B index version (v3) or, without W&B, a store version id')
    .requiredOption('--by <name>', 'who rolls back')
    .requiredOption('--reason <text>', 'why; recorded')
    .action(async (f: WhereFlags & { to?: string; by: string; reason: string }) => {
      const { rollBackKnowledgeBase } = await lib();
      const client = await clientFor(f);
      const moved = await asUserError(
        rollBackKnowledgeBase(
          client,
          { ...readInput(f), by: f.by, reason: f.reason, ...(f.to ? { to: f.to } : {}) },
          { taskQueue: f.taskQueue },
        ),
      );
      print(f, moved, () => renderKbMove(moved, f.by));
    });
}

function resolveCommand(): Command {
  return where(
    new Command('resolve').description(
      'What a RAG service opens for production: store, location, version',
    ),
  ).action(async (f: WhereFlags) => {
    const { resolveKnowledgeBase } = await lib();
    const client = await clientFor(f);
    const r = await asUserError(
      resolveKnowledgeBase(client, readInput(f), { taskQueue: f.taskQueue }),
    );
    print(f, r, () => renderKbResolved(f.kb, r));
    if (!r) process.exitCode = EXIT.userError;
  });
}

function queryCommand(): Command {
  return where(
    new Command('query')
      .description('Ask an index a question: production, or --version')
      .argument('<question>', 'the question'),
  )
    .option('--version <v>', 'a W&B index version (v3) or a store version id')
    .option('--k <n>', 'hits', numberIn(1, 100, true), 5)
    .action(async (question: string, f: WhereFlags & { version?: string; k: number }) => {
      const { queryKnowledgeBase } = await lib();
      const client = await clientFor(f);
      const a = await asUserError(
        queryKnowledgeBase(
          client,
          { ...readInput(f), question, k: f.k, ...(f.version ? { version: f.version } : {}) },
          { taskQueue: f.taskQueue },
        ),
      );
      print(f, a, () => renderKbAnswer(a));
    });
}

function lineageCommand(): Command {
  return where(
    new Command('lineage').description(
      'index → chunks → documents, with gates and promotion, from W&B',
    ),
  )
    .option('--version <v>', 'the index version (default production)')
    .action(async (f: WhereFlags & { version?: string }) => {
      const { knowledgeBaseLineage } = await lib();
      const client = await clientFor(f);
      const l = await asUserError(
        knowledgeBaseLineage(
          client,
          { ...readInput(f), ...(f.version ? { version: f.version } : {}) },
          { taskQueue: f.taskQueue },
        ),
      );
      print(f, l, () =>
        [
          `${l.index.ref} [${l.index.aliases.join(', ')}] ${l.index.store ?? '?'} ${l.index.versionId ?? ''}`,
          `  ← ${l.chunks?.ref ?? '?'} (${l.index.chunking ?? '?'})`,
          `  ← ${l.documents?.ref ?? '?'}`,
          ...(l.golden ? [`golden: ${l.golden}`] : []),
          ...l.gates.map((g) => `gate ${g.gate}: ${g.verdict} — ${g.summary}`),
          ...l.log.map((e) => `${e.at} ${e.kind} by ${e.by}${e.reason ? `: ${e.reason}` : ''}`),
        ].join('\n'),
      );
    });
}

function listCommand(): Command {
  return withTemporalFlags(
    new Command('list')
      .description(
        'List knowledge-base ingests, newest first: knowledge base, stage, status, start',
      )
      .option('--kb <name>', 'only this knowledge base')
      .option('--stage <stage>', 'only this stage (e.g. awaiting_approval)')
      .option('--limit <n>', 'at most N ingests', numberIn(1, 10_000, true), 20)
      .option('--json', 'print JSON', false),
  ).action(
    async (f: TemporalFlags & { kb?: string; stage?: string; limit: number; json: boolean }) => {
      const { listKnowledgeBaseIngests } = await import('../../client/kbList.js');
      const client = await clientFor(f);
      const ingests = await listKnowledgeBaseIngests(client, {
        ...(f.kb ? { kb: f.kb } : {}),
        ...(f.stage ? { stage: f.stage } : {}),
        limit: f.limit,
      });
      print(f, ingests, () =>
        ingests.length === 0
          ? 'No knowledge-base ingests found.'
          : ingests
              .map(
                (i) =>
                  `${i.startedAt}  ${i.kb ?? '?'}  ${i.stage ?? '-'}  ${i.status}  ${i.workflowId}`,
              )
              .join('\n'),
      );
    },
  );
}

/** `finetune kb`: a governed, versioned RAG knowledge base. */
export function kbCommand(): Command {
  return new Command('kb')
    .description(
      'A governed, versioned RAG knowledge base: ingest, decide, resolve, query, roll back, list',
    )
    .addCommand(ingestCommand())
    .addCommand(statusCommand())
    .addCommand(decideCommand('approve'))
    .addCommand(decideCommand('reject'))
    .addCommand(rollbackCommand())
    .addCommand(resolveCommand())
    .addCommand(queryCommand())
    .addCommand(lineageCommand())
    .addCommand(listCommand());
}
