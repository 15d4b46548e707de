import { spawn } from 'node:child_process';

// `finetune worker` runs with the memory discipline docker-compose.yml gives it (docs/operations.md
// "Sizing a worker"): a cap on each V8 heap and two malloc arenas. Both must be in place before V8
// and glibc start, so when the environment lacks them the command runs the worker in a child
// process that has them. bin/finetune.js calls this before it loads anything else.

/** Added to NODE_OPTIONS unless it names the same flags; FINETUNE_WORKER_NODE_OPTIONS="" = off. */
export const DEFAULT_WORKER_NODE_OPTIONS = '--max-old-space-size=384';
/** MALLOC_ARENA_MAX unless set; FINETUNE_WORKER_MALLOC_ARENA_MAX="" = off. */
export const DEFAULT_WORKER_MALLOC_ARENA_MAX = '2';
/** Set in the child (to what was applied): it never re-executes itself, and logs it. */
export const WORKER_MEMORY_APPLIED = 'FINETUNE_WORKER_MEMORY_APPLIED';

export interface WorkerMemoryPlan {
  /** The child's environment. */
  env: NodeJS.ProcessEnv;
  /** What was added, e.g. `NODE_OPTIONS --max-old-space-size=384`, `MALLOC_ARENA_MAX=2`. */
  applied: string[];
}

export class WorkerMemoryError extends Error {
  override name = 'ConfigError';
}

/** `--max_old_space_size=1` and `--max-old-space-size 1` name the same V8 flag. */
function flagName(token: string): string {
  return token.split('=')[0]!.replace(/_/g, '-');
}

function tokens(options: string): string[] {
  return options.split(/\s+/).filter(Boolean);
}

/** Flags with the values that follow them: `--a=1 --b 2` → [['--a=1'], ['--b', '2']]. */
function flagGroups(options: string): string[][] {
  const groups: string[][] = [];
  for (const t of tokens(options)) {
    if (t.startsWith('-') || groups.length === 0) groups.push([t]);
    else groups[groups.length - 1]!.push(t);
  }
  return groups;
}

/**
 * The environment the worker must start with, or undefined when this one will do (it has the
 * settings, both are switched off, or this is the child already). What the environment sets
 * itself wins: a NODE_OPTIONS flag of the same name, or MALLOC_ARENA_MAX set at all.
 */
export function workerMemoryPlan(env: NodeJS.ProcessEnv): WorkerMemoryPlan | undefined {
  if (env[WORKER_MEMORY_APPLIED] !== undefined) return undefined;
  const wanted = flagGroups(env.FINETUNE_WORKER_NODE_OPTIONS ?? DEFAULT_WORKER_NODE_OPTIONS);
  const arenas = (env.FINETUNE_WORKER_MALLOC_ARENA_MAX ?? DEFAULT_WORKER_MALLOC_ARENA_MAX).trim();
  if (arenas !== '' && !/^[1-9]\d*$/.test(arenas)) {
    throw new WorkerMemoryError(
      `FINETUNE_WORKER_MALLOC_ARENA_MAX must be a whole number of 1 or more, or empty for glibc's default; got "${arenas}"`,
    );
  }
  const current = env.NODE_OPTIONS ?? '';
  const present = new Set(
    tokens(current)
      .filter((t) => t.startsWith('-'))
      .map(flagName),
  );
  const added = wanted.filter((g) => !present.has(flagName(g[0]!))).flat();
  const next: NodeJS.ProcessEnv = { ...env };
  const applied: string[] = [];
  if (added.length > 0) {
    next.NODE_OPTIONS = [current.trim(), ...added].filter(Boolean).join(' ');
    applied.push(`NODE_OPTIONS ${added.join(' ')}`);
  }
  if (arenas !== '' && env.MALLOC_ARENA_MAX === undefined) {
    next.MALLOC_ARENA_MAX = arenas;
    applied.push(`MALLOC_ARENA_MAX=${arenas}`);
  }
  if (applied.length === 0) return undefined;
  next[WORKER_MEMORY_APPLIED] = applied.join(', ');
  return { env: next, applied };
}

export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * One Ctrl-C can arrive twice (from the terminal and from `npx`, which passes it on), and the
 * SDK takes a second one as "stop at once": a repeat within this window is the same request.
 */
const SAME_SIGNAL_MS = 500;

/**
 * Runs this process's command line (or `args`) again in a child with `plan.env`, and mirrors it. The child
 * has a process group of its own, so a terminal's Ctrl-C reaches it only through here, once;
 * SIGHUP is passed on as SIGTERM (a clean stop). If this process dies, the child sees its IPC
 * channel close and stops. Resolves with how the child ended.
 */
export function runInChild(
  plan: WorkerMemoryPlan,
  args: readonly string[] = [...process.execArgv, ...process.argv.slice(1)],
): Promise<ChildEnd> {
  const child = spawn(process.execPath, args, {
    env: plan.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  const lastSent = new Map<string, number>();
  const listeners = FORWARDED.map((signal) => {
    const listener = () => {
      const now = Date.now();
      if (now - (lastSent.get(signal) ?? -Infinity) < SAME_SIGNAL_MS) return;
      lastSent.set(signal, now);
      child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const stopForwarding = () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      stopForwarding();
      reject(err);
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve({ code, signal });
    });
  });
}

/**
 * In the child: stop the worker when the parent that started it is gone (its IPC channel
 * closes), and never let that channel keep the process alive.
 */
export function onParentGone(stop: () => void): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', stop);
}
