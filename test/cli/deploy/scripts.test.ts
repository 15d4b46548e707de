// The one-shot scripts in deploy/scripts, run with /bin/sh against a fake `temporal` CLI that
// records its calls: what compose passes in is what reaches the server.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSearchAttributes } from '../../unit/deploy/composeChecks.js';
import { loadCompose } from '../../unit/deploy/composeModel.js';
import { CODE_SEARCH_ATTRIBUTES, ROOT } from '../../unit/deploy/projectFacts.js';

const SCRIPTS = join(ROOT, 'deploy/scripts');
const dir = mkdtempSync(join(tmpdir(), 'deploy-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Fake CLI. FAKE_UNHEALTHY: health fails; FAKE_EXISTS / FAKE_CONFLICT / FAKE_FLAKY: names that
// answer "already exists", "different type", or fail once; FAKE_NS_EXISTS: describe succeeds.
const FAKE_TEMPORAL = `#!/bin/sh
echo "$*" >> "$FAKE_LOG"
name=""; prev=""
for a in "$@"; do [ "$prev" = "--name" ] && name="$a"; prev="$a"; done
case "$*" in
  "operator cluster health"*) [ -z "$FAKE_UNHEALTHY" ] ;;
  "operator namespace describe"*) [ -n "$FAKE_NS_EXISTS" ] ;;
  "operator namespace create"*) exit 0 ;;
  "operator search-attribute create"*)
    case " $FAKE_CONFLICT " in *" $name "*)
      echo "search attribute $name already exists and has different type INDEXED_VALUE_TYPE_TEXT"; exit 1 ;; esac
    case " $FAKE_EXISTS " in *" $name "*) echo "Search attribute $name already exists."; exit 1 ;; esac
    case " $FAKE_FLAKY " in *" $name "*)
      if [ ! -e "$FAKE_LOG.$name" ]; then : > "$FAKE_LOG.$name"; echo "Namespace not found"; exit 1; fi ;; esac
    exit 0 ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;
writeFileSync(join(dir, 'temporal'), FAKE_TEMPORAL);
chmodSync(join(dir, 'temporal'), 0o755);
const LOG = join(dir, 'calls.log');

const composeSpec = (() => {
  const owner = loadCompose(join(ROOT, 'docker-compose.yml')).services.find(
    (s) => s.name === 'temporal-create-search-attributes',
  );
  if (!owner) throw new Error('no temporal-create-search-attributes service');
  return owner.environment.SEARCH_ATTRIBUTES ?? '';
})();

function run(script: string, env: Record<string, string>) {
  const r = spawnSync('/bin/sh', [join(SCRIPTS, script)], {
    encoding: 'utf8',
    timeout: 20_000,
    env: {
      PATH: `${dir}:${process.env.PATH ?? ''}`,
      FAKE_LOG: LOG,
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'fine-tuning',
      WAIT_SECONDS: '0',
      MAX_ATTEMPTS: '3',
      ...env,
    },
  });
  const calls = readFileSync(LOG, 'utf8').trim().split('\n').filter(Boolean);
  return { status: r.status, out: r.stdout + r.stderr, calls };
}

const createdNames = (calls: string[]) =>
  calls
    .filter((c) => c.startsWith('operator search-attribute create'))
    .map((c) => / --name (\S+)/.exec(c)?.[1]);

beforeEach(() => {
  writeFileSync(LOG, '');
  for (const name of CODE_SEARCH_ATTRIBUTES.map((a) => a.name))
    rmSync(`${LOG}.${name}`, { force: true });
});

describe('create-search-attributes.sh', () => {
  it("creates exactly the compose file's attributes, with their types, on the namespace", () => {
    const r = run('create-search-attributes.sh', { SEARCH_ATTRIBUTES: composeSpec });
    expect(r.status, r.out).toBe(0);
    expect(createdNames(r.calls).sort()).toEqual(CODE_SEARCH_ATTRIBUTES.map((a) => a.name).sort());
    for (const { name, type } of parseSearchAttributes(composeSpec)) {
      expect(r.calls).toContain(
        `operator search-attribute create --namespace fine-tuning --name ${name} --type ${type} --address 127.0.0.1:7233`,
      );
    }
  });

  it('accepts attributes that already exist', () => {
    const r = run('create-search-attributes.sh', {
      SEARCH_ATTRIBUTES: composeSpec,
      FAKE_EXISTS: 'FineTuneStage FineTuneJobId',
    });
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/FineTuneStage already exists/);
  });

  it('fails, naming the attribute, when one exists with another type', () => {
    const r = run('create-search-attributes.sh', {
      SEARCH_ATTRIBUTES: composeSpec,
      FAKE_CONFLICT: 'FineTuneJobId',
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/ERROR: search attribute FineTuneJobId exists with another type/);
  });

  it('retries while a fresh namespace is not visible yet', () => {
    const r = run('create-search-attributes.sh', {
      SEARCH_ATTRIBUTES: 'FineTuneStage=Keyword',
      FAKE_FLAKY: 'FineTuneStage',
    });
    expect(r.status, r.out).toBe(0);
    expect(createdNames(r.calls)).toEqual(['FineTuneStage', 'FineTuneStage']);
  });

  it('rejects a malformed entry before calling the server', () => {
    const r = run('create-search-attributes.sh', {
      SEARCH_ATTRIBUTES: 'FineTuneStage=Keyword FineTuneJobId',
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/bad SEARCH_ATTRIBUTES entry 'FineTuneJobId'/);
    expect(r.calls).toEqual([]);
  });

  it('gives up with a pointer to the server logs when Temporal never becomes healthy', () => {
    const r = run('create-search-attributes.sh', {
      SEARCH_ATTRIBUTES: composeSpec,
      FAKE_UNHEALTHY: '1',
    });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/not healthy after 3 attempts; check 'docker compose logs temporal'/);
    expect(createdNames(r.calls)).toEqual([]);
  });
});

describe('create-namespace.sh', () => {
  it('creates a missing namespace with the configured retention', () => {
    const r = run('create-namespace.sh', { TEMPORAL_NAMESPACE_RETENTION: '168h' });
    expect(r.status, r.out).toBe(0);
    expect(r.calls).toContain(
      'operator namespace create --namespace fine-tuning --retention 168h --address 127.0.0.1:7233',
    );
  });

  it('leaves an existing namespace alone', () => {
    const r = run('create-namespace.sh', { FAKE_NS_EXISTS: '1' });
    expect(r.status, r.out).toBe(0);
    expect(r.calls.some((c) => c.startsWith('operator namespace create'))).toBe(false);
  });
});

describe('setup-postgres.sh', () => {
  it('is valid POSIX sh and refuses to run without the database password', () => {
    expect(spawnSync('/bin/sh', ['-n', join(SCRIPTS, 'setup-postgres.sh')]).status).toBe(0);
    const r = spawnSync('/bin/sh', [join(SCRIPTS, 'setup-postgres.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/SQL_PASSWORD must hold the PostgreSQL password/);
  });
});
