import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { NON_RETRYABLE_ERROR_TYPES } from '../shared/errorTypes.js';

/**
 * The Temporal SDK's logs in the sandbox's terminal. The SDK's default logger prints every failed
 * workflow and activity at WARN with its stack trace; in the sandbox, the pipeline's failure is
 * what the sandbox reports itself (its status block and closing line, or the JSON result), so the
 * same failure printed again with a stack of SDK internals only buries it. Here: the failure the
 * sandbox reports is not logged, nor a slow first task (below), and anything else at WARN or above
 * (a retried activity attempt, a Core warning) is one line, without a stack.
 */

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const NON_RETRYABLE: ReadonlySet<string> = new Set(NON_RETRYABLE_ERROR_TYPES);

interface FailureLike {
  message?: unknown;
  type?: unknown;
  nonRetryable?: unknown;
}

function failureOf(meta: LogMetadata | undefined): FailureLike | undefined {
  const error: unknown = meta?.error;
  return error && typeof error === 'object' ? error : undefined;
}

/**
 * The pipeline's own outcome: a workflow that failed, or an activity failure no retry will fix
 * (the workflow turns it into the pipeline's failure). Retried attempts are not: they are news.
 */
export function isReportedFailure(message: string, meta?: LogMetadata): boolean {
  if (message === 'Workflow failed') return true;
  if (message !== 'Activity failed') return false;
  const failure = failureOf(meta);
  return (
    failure?.nonRetryable === true ||
    (typeof failure?.type === 'string' && NON_RETRYABLE.has(failure.type))
  );
}

/**
 * Core's "workflow task took over 5 s" (TMPRL1104): on a busy laptop the sandbox's first task,
 * which loads the workflow bundle into a fresh V8 context, can take that long. It says nothing
 * about the pipeline and nothing a sandbox user can act on (a production worker keeps it).
 */
function isSandboxNoise(message: string): boolean {
  return message.startsWith('[TMPRL1104]');
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** One line: level, message, what it concerns (activity and attempt), the error's message. */
export function formatSdkLog(level: LogLevel, message: string, meta?: LogMetadata): string {
  const about: string[] = [];
  if (typeof meta?.activityType === 'string') {
    about.push(
      typeof meta.attempt === 'number'
        ? `${meta.activityType} attempt ${meta.attempt}`
        : meta.activityType,
    );
  } else if (typeof meta?.workflowType === 'string') {
    about.push(meta.workflowType);
  }
  const failure = failureOf(meta);
  const why = typeof failure?.message === 'string' ? `: ${firstLine(failure.message)}` : '';
  const where = about.length ? ` (${about.join(', ')})` : '';
  return `temporal ${level.toLowerCase()}: ${firstLine(message)}${where}${why}\n`;
}

export function sandboxSdkLogger(
  write: (line: string) => void = (line) => void process.stderr.write(line),
): Logger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (RANK[level] < RANK.WARN || isReportedFailure(message, meta) || isSandboxNoise(message))
      return;
    write(formatSdkLog(level, message, meta));
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/**
 * Installs the sandbox's SDK logger on this process's Runtime, Core's own warnings forwarded to it
 * (they would otherwise go straight to the console, multi-line). One Runtime per process: if one
 * exists already (a test installed one), it is kept.
 */
export function installSandboxSdkLogs(): void {
  try {
    Runtime.install({
      logger: sandboxSdkLogger(),
      telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
    });
  } catch {
    // A Runtime already exists in this process: keep it.
  }
}
