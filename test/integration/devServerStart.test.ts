import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMPORAL_CLI_ENV, findTemporalCli } from '../../src/temporal/cliLocator.js';
import { startDevServer } from '../../src/temporal/devServer.js';

// The Temporal CLI chooses some ports of its own; on a busy machine one can be taken before it
// binds, and the server panics at start. startDevServer tries once more on fresh ports, and a
// failure that stays says why (the panic's first line, not only the end of its stack).

const dir = mkdtempSync(join(tmpdir(), 'devserver-start-'));
const marker = join(dir, 'failed-once');
const saved = process.env[TEMPORAL_CLI_ENV];

beforeAll(() => {
  const real = findTemporalCli();
  if (!real) throw new Error('the Temporal CLI is not installed: run `npm run setup:temporal`');
  // A CLI whose first `server start-dev` panics the way a port clash does, then is the real one.
  const wrapper = join(dir, 'temporal');
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `if [ "$1" = server ] && [ ! -e '${marker}' ]; then`,
      `  touch '${marker}'`,
      `  echo 'panic: listen tcp 127.0.0.1:7243: bind: address already in use' >&2`,
      `  i=0; while [ $i -lt 200 ]; do echo "	goroutine frame $i" >&2; i=$((i+1)); done`,
      '  exit 2',
      'fi',
      `exec '${real.path}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(wrapper, 0o755);
  process.env[TEMPORAL_CLI_ENV] = wrapper;
});

afterAll(() => {
  if (saved === undefined) delete process.env[TEMPORAL_CLI_ENV];
  else process.env[TEMPORAL_CLI_ENV] = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('starting the Temporal dev server', () => {
  it('tries once more when the server panics at start, and then serves', async () => {
    const server = await startDevServer();
    try {
      expect(existsSync(marker)).toBe(true);
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await server.stop();
    }
  });

  it('on a port the caller chose, fails at once with the panic’s reason, not only its stack', async () => {
    rmSync(marker, { force: true });
    // The wrapper fails before binding anything, so the port is never used.
    const error = await startDevServer({ port: 17233 }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.message).toContain('address already in use');
    expect(error?.message).toContain('goroutine frame 199');
  });
});
