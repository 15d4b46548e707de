import { pino, type Logger } from 'pino';

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

export function childLogger(component: string): Logger {
  return logger.child({ component });
}
