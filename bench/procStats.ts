// One process's memory and CPU as the kernel counts them (Linux /proc), so a benchmark can measure
// a child process (the worker) without its own emulators and clients in the figures.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcSample {
  /** Resident set size now (VmRSS). */
  rssBytes: number;
  /** The highest RSS the process has had (VmHWM). */
  peakRssBytes: number;
  /** User + system CPU time so far. */
  cpuSeconds: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100; // Linux's USER_HZ nearly everywhere
    }
    if (!Number.isFinite(ticksPerSecond) || ticksPerSecond <= 0) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

function statusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Undefined once the process is gone. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return {
      rssBytes: statusKb(status, 'VmRSS'),
      peakRssBytes: statusKb(status, 'VmHWM'),
      cpuSeconds: (utime + stime) / clockTicks(),
    };
  } catch {
    return undefined;
  }
}

/** Every process now: pid, parent pid and command name. */
function processTable(): { pid: number; ppid: number; comm: string }[] {
  const table: { pid: number; ppid: number; comm: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      table.push({ pid: Number(name), ppid, comm: stat.slice(open + 1, close) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return table;
}

/** A direct child of `ppid` whose command name is `comm` (e.g. the dev server's `temporal`). */
export function findChild(ppid: number, comm: string): number | undefined {
  return processTable().find((p) => p.ppid === ppid && p.comm === comm)?.pid;
}

/** `pid` and all its descendants, parents first. */
export function processTree(pid: number): number[] {
  const table = processTable();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const p of table) if (p.ppid === tree[i]) tree.push(p.pid);
  }
  return tree;
}

export interface TreeSample extends ProcSample {
  /** The root process's own RSS (for `finetune worker`: the parent that mirrors the worker). */
  rootRssBytes: number;
  pids: number[];
}

/**
 * A process and its descendants as one: RSS and CPU summed, the peak as the sum of each one's
 * high-water mark (an upper bound: they need not peak at once). Undefined once the root is gone.
 */
export function sampleTree(pid: number): TreeSample | undefined {
  const root = sampleProc(pid);
  if (!root) return undefined;
  const sum: TreeSample = { ...root, rootRssBytes: root.rssBytes, pids: [pid] };
  for (const child of processTree(pid).slice(1)) {
    const s = sampleProc(child);
    if (!s) continue;
    sum.rssBytes += s.rssBytes;
    sum.peakRssBytes += s.peakRssBytes;
    sum.cpuSeconds += s.cpuSeconds;
    sum.pids.push(child);
  }
  return sum;
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
