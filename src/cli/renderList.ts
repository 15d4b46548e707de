import type { PipelineListing } from '../client/list.js';

/** How long ago, in the largest whole unit: `42s ago`, `3m ago`, `5h ago`, `2d ago`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

const COLUMNS: { title: string; cell: (p: PipelineListing, nowMs: number) => string }[] = [
  { title: 'WORKFLOW ID', cell: (p) => p.workflowId },
  { title: 'STAGE', cell: (p) => p.stage ?? '-' },
  { title: 'JOB', cell: (p) => p.jobId ?? '-' },
  { title: 'FINE-TUNED MODEL', cell: (p) => p.fineTunedModel ?? '-' },
  { title: 'BASE MODEL', cell: (p) => p.baseModel ?? '-' },
  { title: 'APPROVED BY', cell: (p) => p.approvedBy ?? '-' },
  { title: 'STATUS', cell: (p) => p.status.toLowerCase() },
  { title: 'AGE', cell: (p, now) => formatAge(now - Date.parse(p.startedAt)) },
];

/** `finetune list` as an aligned table, one pipeline a line; pure, so it is unit-tested. */
export function renderPipelineList(pipelines: PipelineListing[], nowMs: number): string {
  if (pipelines.length === 0) return 'No pipelines found.';
  const rows = [
    COLUMNS.map((c) => c.title),
    ...pipelines.map((p) => COLUMNS.map((c) => c.cell(p, nowMs))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
