import { defineConfig } from 'vitest/config';

// Nine tiers, after the Temporal SDK's own, each named for what it runs: `unit` runs no
// subprocess, server or socket (seconds); `scale` streams files of 50 000 examples through the
// dataset and gate code with the live heap sampled (pure code too, but tens of seconds); `cli` runs the CLI and scripts as processes; `http`
// runs our HTTP clients against local peers and emulators; `emulators` the HTTP emulators against
// the official clients; `replay` the committed histories (no server); `timeskip` the workflows'
// timing on Temporal's test server; `stores` the knowledge base's vector stores on a real LanceDB
// folder and a real PostgreSQL; `integration` a real Temporal dev server plus the emulators;
// `chaos` kills workers mid-step on that server and checks nothing is lost or done twice (minutes
// each, so `npm test` leaves it to `npm run test:chaos`, which CI runs as its own step).
// Most test time is waiting (emulated training, Temporal timers), not CPU: four files at once
// keep a 2-core machine busy without starving the dev server (12.5 min serial, 4.5 min with 4).
const maxWorkers = Number(process.env.FINETUNE_TEST_WORKERS ?? 4);

export default defineConfig({
  test: {
    maxWorkers,
    // The default output, then each tier's time (test/support/tierTimes.ts).
    reporters: ['default', './test/support/tierTimes.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'scale',
          include: ['test/scale/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'http',
          include: ['test/http/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'emulators',
          include: ['test/emulators/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'timeskip',
          include: ['test/timeskip/**/*.test.ts'],
          globalSetup: ['test/timeskip/globalSetup.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'stores',
          include: ['test/stores/**/*.test.ts'],
          globalSetup: ['test/stores/globalSetup.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/globalSetup.ts'],
          pool: 'forks',
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          globalSetup: ['test/integration/globalSetup.ts'],
          pool: 'forks',
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
