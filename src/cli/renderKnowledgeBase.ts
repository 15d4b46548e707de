import { describeGates } from '../gates/index.js';
import type { KnowledgeBaseStatus } from '../client/knowledgeBase.js';
import type {
  EmbedReport,
  KbMoveResult,
  KbQueryAnswer,
  ResolvedKnowledgeBase,
} from '../shared/knowledgeBaseTypes.js';
import { renderEvents } from './renderEvents.js';

// What `finetune kb …` prints for people (`--json` prints the library's answer as it is).

export function renderEmbed(e: EmbedReport): string {
  const reused = e.keptFromBase + e.reusedFromCache;
  const cost = e.costUsd !== undefined ? `, $${e.costUsd.toFixed(6)}` : '';
  return (
    `embeddings: ${e.requested} requested in ${e.requests} call(s) (${e.tokens} tokens${cost}), ` +
    `${reused} reused (${e.keptFromBase} kept from production, ${e.reusedFromCache} from the cache) ` +
    `of ${e.chunks} chunks; ${e.written} written, ${e.deleted} deleted`
  );
}

export function renderKbStatus(s: KnowledgeBaseStatus): string {
  const p = s.progress;
  const lines = [
    `${s.workflowId}: ${s.execution.toLowerCase()}, stage ${p?.stage ?? s.stage ?? '?'}`,
  ];
  if (!p) return [...lines, ...(s.failure ? [`failed: ${s.failure}`] : [])].join('\n');
  if (p.store)
    lines.push(
      `store: ${p.store.kind} ${p.store.location}; production was ${p.baseline ?? 'empty'}`,
    );
  if (p.corpus) {
    const c = p.corpus;
    lines.push(
      `corpus: ${c.documents} documents, ${c.chunks} chunks (${c.distinctTexts} distinct texts), ${c.strategy.id}` +
        (c.skipped.length ? `; ${c.skipped.length} file(s) skipped` : ''),
    );
  }
  if (p.embedding)
    lines.push(`embedding: ${p.embedding.provider} ${p.embedding.model}, ${p.embedding.dims} dims`);
  if (p.embed) lines.push(renderEmbed(p.embed));
  if (p.index) {
    const k = p.index.check;
    lines.push(
      `index: ${p.index.versionId} (manifest check ${k.ok ? 'ok' : 'FAILED'}: ${k.stored}/${k.expected} stored)`,
    );
  }
  const w = p.wandb;
  if (w.index || w.chunks || w.documents) {
    lines.push(`W&B: ${[w.documents, w.chunks, w.index, w.golden].filter(Boolean).join(', ')}`);
  } else if (w.skipped) lines.push(`W&B: ${w.skipped}`);
  for (const e of w.errors) lines.push(`W&B error: ${e}`);
  if (p.approval?.gates.length) lines.push('', describeGates(p.approval.gates));
  const d = p.approval?.decision;
  if (d)
    lines.push(
      '',
      `decision: ${d.decision} by ${d.by} (${d.how})${d.comment ? `: ${d.comment}` : ''}`,
    );
  const moved = p.approval?.promotion?.index;
  if (moved) lines.push(`production: ${moved.from ?? 'none'} → ${moved.to}`);
  if (p.stage === 'awaiting_approval') {
    lines.push(
      '',
      `decide: finetune kb approve ${s.workflowId} --by NAME   or   finetune kb reject ${s.workflowId} --by NAME`,
    );
  }
  lines.push(...renderEvents(s.events ?? []));
  if (s.failure ?? p.error) lines.push(`error: ${s.failure ?? p.error}`);
  return lines.join('\n');
}

export function renderKbResolved(kb: string, r: ResolvedKnowledgeBase | null): string {
  if (!r) return `knowledge base ${kb}: nothing in production yet`;
  const lines = [
    `knowledge base ${r.kb}: production is ${r.versionId}`,
    `store: ${r.store} ${r.location}, table ${r.table}, ${r.dims} dims`,
  ];
  if (r.wandb) {
    lines.push(
      `W&B: ${r.wandb.ref} (${r.wandb.embeddingModel ?? '?'}, ${r.wandb.chunking ?? '?'})`,
      `  from ${r.wandb.chunks ?? '?'} ← ${r.wandb.documents ?? '?'}`,
    );
  }
  return lines.join('\n');
}

export function renderKbMove(m: KbMoveResult, by: string): string {
  return (
    `production of ${m.kb} ${m.moved ? 'moved' : 'already on'} ${m.from ?? 'none'} → ${m.to} (${m.kind} by ${by})` +
    (m.wandb ? `\nW&B: "production" on ${m.wandb.model.ref}` : '')
  );
}

export function renderKbAnswer(a: KbQueryAnswer): string {
  const head = `${a.kb} ${a.ref ?? a.versionId}:`;
  const hits = a.hits.map(
    (h) =>
      `${h.rank}. ${h.docId} (distance ${h.distance.toFixed(4)})\n   ${h.text.replace(/\s+/g, ' ').slice(0, 160)}`,
  );
  return [head, ...hits].join('\n');
}
