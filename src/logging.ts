import { pino, type Level, type Logger } from 'pino';

/**
 * One structured logger for the process. JSON to stderr so stdout stays free for command output
 * (e.g. `finetune sandbox --json`). Level from LOG_LEVEL (default "info"; tests use "warn").
 */
export const logger: Logger = pino(
  {
    level: process.env.LOG_LEVEL ?? 'info',
    base: { app: 'temporal-finetune' },
    redact: {
      paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization'],
      censor: '[redacted]',
    },
  },
  pino.destination(2),
);

const children: Logger[] = [];

export function childLogger(component: string): Logger {
  const child = logger.child({ component });
  children.push(child);
  return child;
}

/**
 * Changes the level everywhere, children included (pino children keep the level they were made
 * with). For commands with their own display, such as the sandbox; LOG_LEVEL still wins.
 */
export function setDefaultLogLevel(level: Level): void {
  if (process.env.LOG_LEVEL) return;
  logger.level = level;
  for (const child of children) child.level = level;
}
