// The bench:scale table: one column per run (W&B on / off), one row per figure.
import { mib } from './procStats.js';
import type { ScaleResult } from './scaleRun.js';
import { formatMs, median, percentile } from './stats.js';

const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : Number.NaN);

function rows(r: ScaleResult): [string, string][] {
  const s = r.settings;
  const jobs = Math.max(1, r.started);
  const l = r.latency;
  const tasks = l.sticky + l.replayed;
  const done = s.measureWaitOnly
    ? `not waited for (stopped after measuring the wait)`
    : `${r.succeeded}/${r.started}${r.failed ? ` (${r.failed} failed)` : ''}`;
  return [
    ['pipelines completed', done],
    ['time until all were training', `${r.rampSeconds.toFixed(0)} s`],
    ['worker RSS idle', mib(r.idle.rssBytes)],
    [
      '  (processes; the command alone)',
      `${r.idle.pids.length}; ${r.idle.pids.length > 1 ? mib(r.idle.rootRssBytes) : 'it is the worker'}`,
    ],
    ['worker RSS peak (VmHWM)', mib(r.peakRssBytes)],
    [
      'worker RSS while all wait (median / max)',
      `${mib(median(r.waitingRss))} / ${mib(maxOf(r.waitingRss))}` +
        (r.allWaitedAtOnce ? '' : ' (some jobs had ended)'),
    ],
    ['worker CPU seconds (whole run)', r.cpuSeconds.toFixed(0)],
    [
      `worker CPU while waiting (${s.waitWindowSeconds} s)`,
      `${r.waitCpuSeconds.toFixed(1)} s (${((100 * r.waitCpuSeconds) / s.waitWindowSeconds).toFixed(0)}% of a core)`,
    ],
    [
      'workflow task schedule→start p50 / p99',
      `${formatMs(median(l.scheduleToStartMs))} / ${formatMs(percentile(l.scheduleToStartMs, 99))}`,
    ],
    [
      'workflow task start→complete p50 / p99',
      `${formatMs(median(l.startToCompleteMs))} / ${formatMs(percentile(l.startToCompleteMs, 99))}`,
    ],
    [
      'later tasks: sticky / replayed (cache miss)',
      `${l.sticky} / ${l.replayed}${tasks ? ` (${((100 * l.replayed) / tasks).toFixed(0)}% replayed)` : ''}${l.timedOut ? `, ${l.timedOut} timed out` : ''}`,
    ],
    ['  (from histories of)', `${l.histories} workflows`],
    [
      'provider calls per job (all / waiting)',
      `${(r.providerCalls / jobs).toFixed(1)} / ${(r.waitCalls / jobs).toFixed(1)}`,
    ],
    [
      "last job's end → last pipeline's end",
      r.lastJobToLastPipelineMs === undefined ? 'n/a' : formatMs(r.lastJobToLastPipelineMs),
    ],
    [
      'dev server peak RSS / CPU s',
      r.devServer
        ? `${mib(r.devServer.peakRssBytes)} / ${r.devServer.cpuSeconds.toFixed(0)}`
        : 'n/a',
    ],
  ];
}

export function printScaleReport(results: ScaleResult[], header: string): void {
  const table = results.map(rows);
  const names = table[0]!.map(([name]) => name);
  const cols = [
    ['', ...names],
    ...results.map((r, i) => [
      `W&B ${r.settings.wandb ? 'on' : 'off'}`,
      ...table[i]!.map(([, v]) => v),
    ]),
  ];
  const widths = cols.map((c) => Math.max(...c.map((v) => v.length)));
  console.log(`\n${header}\n`);
  for (let row = 0; row < cols[0]!.length; row++) {
    console.log(
      cols
        .map((c, i) => c[row]!.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
    if (row === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const r of results)
    for (const f of r.failures)
      console.log(`failure (W&B ${r.settings.wandb ? 'on' : 'off'}): ${f}`);
}
