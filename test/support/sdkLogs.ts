import type { Info } from '@temporalio/activity';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ErrorType } from '../../src/shared/errorTypes.js';

// The Temporal SDK's logs in the test output. Its default logger prints every failed activity and
// workflow at WARN with a stack trace, and INFO lines for every worker state change: a test that
// provokes a failure on purpose then fills the log with warnings about nothing. Here, WARN and
// above are printed as the SDK prints them, except the failures a test expects: those the
// product raises by design (an ApplicationFailure of one of our types, anywhere in the cause
// chain) and what a test declares with `expectSdkLogs`. Anything else (a plain Error from a bug,
// a nondeterministic workflow) is still printed, stack and all.

/** Says whether an SDK log line is one a test expects. */
export type ExpectedLog = (message: string, meta: LogMetadata | undefined) => boolean;

const RANK: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const OUR_TYPES: ReadonlySet<string> = new Set(Object.values(ErrorType));

/**
 * A failed activity or workflow whose failure is one of ours: designed, so expected. An activity's
 * failure arrives as thrown (its `type` says). A workflow's arrives structured-cloned from the
 * workflow thread, which keeps message, stack and cause but drops `type`; there an
 * ApplicationFailure at the root of the cause chain is ours (workflow code throws no other kind
 * on purpose; an activity's plain Error from a bug arrives with an `Error:` stack and still shows).
 */
export const designedFailure: ExpectedLog = (message, meta) => {
  if (message !== 'Activity failed' && message !== 'Workflow failed') return false;
  let e: unknown = meta?.error;
  let root: { stack?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 10; depth++) {
    const { type, cause } = e as { type?: unknown; cause?: unknown };
    if (typeof type === 'string' && OUR_TYPES.has(type)) return true;
    root = e;
    e = cause;
  }
  return message === 'Workflow failed' && String(root?.stack).startsWith('ApplicationFailure: ');
};

/**
 * Core's notes that a task finished after its workflow was closed: what a test's clean-up
 * (terminating what it started) leaves behind, never a failure of the code under test.
 */
export const closedUnderfoot: ExpectedLog = (message) =>
  message === 'Task not found when completing' ||
  message.startsWith('Activity not found on completion.');

const declared = new Set<ExpectedLog>();

/**
 * Until the returned function is called, SDK log lines that `match` are expected (a test that
 * provokes a failure the product does not type, e.g. a nondeterministic history).
 */
export function expectSdkLogs(match: ExpectedLog): () => void {
  declared.add(match);
  return () => declared.delete(match);
}

/** What every test expects: designed failures, and what clean-up leaves behind. */
export const ALWAYS_EXPECTED: readonly ExpectedLog[] = [designedFailure, closedUnderfoot];

/** WARN and above, as the SDK prints them, except what is expected. */
export function testSdkLogger(expected: readonly ExpectedLog[] = ALWAYS_EXPECTED): Logger {
  const printer = new DefaultLogger('WARN');
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (RANK[level] < RANK.WARN) return;
    if (expected.some((e) => e(message, meta))) return;
    for (const e of declared) if (e(message, meta)) return;
    printer.log(level, message, meta);
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
 * Installs the test logger on this process's Runtime (`alsoExpected` on top of the defaults), with Core's own warnings (a failing
 * workflow task, for one) forwarded through it instead of printed straight to the console. One
 * Runtime per process: if one exists already, it is kept.
 */
export function installTestSdkLogs(alsoExpected: readonly ExpectedLog[] = []): void {
  try {
    Runtime.install({
      logger: testSdkLogger([...ALWAYS_EXPECTED, ...alsoExpected]),
      telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } } },
    });
  } catch {
    // A Runtime already exists in this process: keep it.
  }
}

/** An activity environment for unit tests whose logs go through the test logger. */
export function mockActivityEnvironment(info?: Partial<Info>): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: testSdkLogger() });
}
