// docker-compose.yml for self-hosting: the rules in composeChecks.ts hold for the real file and fail
// for broken copies (docker-compose itself runs in the cli tier: test/cli/deploy/dockerCompose.test.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readWorkerEnv } from '../../../src/config.js';
import { PINNED_POSTGRES } from '../../support/pinnedPostgres.js';
import { TASK_QUEUE } from '../../../src/shared/types.js';
import { checkComposeFile, SECRET_KEY, searchAttributeSpec } from './composeChecks.js';
import { loadCompose, type ServiceModel } from './composeModel.js';
import { hostPathFor, publishedPorts } from './composePaths.js';
import { interpolate, variableReferences } from './interpolation.js';
import { projectExpectations } from './projectExpectations.js';
import { CODE_SEARCH_ATTRIBUTES, ROOT } from './projectFacts.js';
import { mutations, writeMutated } from './composeMutations.js';

const COMPOSE = join(ROOT, 'docker-compose.yml');
const ENV_EXAMPLE = join(ROOT, 'deploy/.env.example');
const expectations = projectExpectations();
const model = loadCompose(COMPOSE);
const service = (name: string): ServiceModel => {
  const s = model.services.find((x) => x.name === name);
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

/** Which services may hold each credential: no service gets a secret it does not use. */
const SECRET_CONSUMERS: Record<string, readonly string[]> = {
  OPENAI_API_KEY: ['worker'],
  WANDB_API_KEY: ['worker'],
  OPENAI_WEBHOOK_SECRET: ['webhook'],
};

const tmp = mkdtempSync(join(tmpdir(), 'compose-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Does `from` wait (directly or transitively) for `to` with this condition at the last hop? */
function waitsFor(from: string, to: string, condition: string): boolean {
  const s = model.services.find((x) => x.name === from);
  return (s?.dependsOn ?? []).some(
    (d) => (d.service === to && d.condition === condition) || waitsFor(d.service, to, condition),
  );
}

describe('docker-compose.yml', () => {
  it('keeps every rule: depends_on, project image, secrets, search attributes, ports, pins, mounts, CLI flags', () => {
    expect(checkComposeFile(COMPOSE, expectations)).toEqual([]);
  });

  it('creates exactly the search attributes src/shared/searchAttributes.ts exports', () => {
    const owner = service('temporal-create-search-attributes');
    const created = searchAttributeSpec(owner, {});
    expect(created.map((a) => a.name).sort()).toEqual(
      CODE_SEARCH_ATTRIBUTES.map((a) => a.name).sort(),
    );
    expect(created).toEqual(expect.arrayContaining(CODE_SEARCH_ATTRIBUTES));
  });

  it('fails as soon as the code exports a key the compose file does not create', () => {
    const added = { name: 'FineTuneNewKey', type: 'Keyword' };
    const problems = checkComposeFile(COMPOSE, {
      ...expectations,
      searchAttributes: [...CODE_SEARCH_ATTRIBUTES, added],
    });
    expect(problems).toEqual(['search attribute FineTuneNewKey is not created']);
  });

  it('passes each secret only to the services that use it, as a ${VAR} reference', () => {
    for (const s of model.services) {
      const secrets = Object.keys(s.environment).filter((k) => k in SECRET_CONSUMERS);
      for (const key of secrets) {
        expect(SECRET_CONSUMERS[key], `${s.name} gets ${key}`).toContain(s.name);
        expect(s.environment[key]).toBe(`\${${key}:-}`);
      }
    }
    for (const [key, users] of Object.entries(SECRET_CONSUMERS)) {
      for (const user of users) expect(Object.keys(service(user).environment)).toContain(key);
    }
    expect(service('worker').envFiles).toEqual([]);
    expect(service('webhook').envFiles).toEqual([]);
  });

  it('gives the worker an environment readWorkerEnv accepts, on the task queue `finetune start` uses', () => {
    const env = Object.fromEntries(
      Object.entries(service('worker').environment).map(([k, v]) => [
        k,
        interpolate(v ?? '', { OPENAI_API_KEY: 'test-key' }),
      ]),
    );
    const parsed = readWorkerEnv(env);
    expect(parsed.FINETUNE_TASK_QUEUE).toBe(TASK_QUEUE);
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    // Without a key the worker must stop with the actionable message, not start half-configured.
    expect(() => readWorkerEnv({ ...env, OPENAI_API_KEY: '' })).toThrow(/OPENAI_API_KEY/);
  });

  it('starts things in order: schema, server, namespace, search attributes, then the worker', () => {
    expect(waitsFor('temporal', 'temporal-admin-tools', 'service_completed_successfully')).toBe(
      true,
    );
    expect(waitsFor('temporal-admin-tools', 'postgresql', 'service_healthy')).toBe(true);
    expect(
      waitsFor('worker', 'temporal-create-search-attributes', 'service_completed_successfully'),
    ).toBe(true);
    expect(
      waitsFor(
        'temporal-create-search-attributes',
        'temporal-create-namespace',
        'service_completed_successfully',
      ),
    ).toBe(true);
    expect(waitsFor('webhook', 'temporal-create-namespace', 'service_completed_successfully')).toBe(
      true,
    );
    expect(waitsFor('temporal-ui', 'temporal', 'service_healthy')).toBe(true);
  });

  it("mounts the server's dynamic config, which makes new search attributes usable at once", () => {
    const temporal = service('temporal');
    expect(temporal.environment.DB).toBe('postgres12');
    const relativePath = temporal.environment.DYNAMIC_CONFIG_FILE_PATH ?? '';
    // The server image resolves it against its working directory, /etc/temporal.
    const hostPath = hostPathFor(temporal, `/etc/temporal/${relativePath}`, ROOT);
    expect(hostPath).toBe(join(ROOT, 'deploy/dynamicconfig/development-sql.yaml'));
    const config = parse(readFileSync(hostPath ?? '', 'utf8')) as Record<
      string,
      { value: unknown }[]
    >;
    expect(config['system.forceSearchAttributesCacheRefreshOnRead']?.[0]?.value).toBe(true);
    expect(config['limit.maxIDLength']?.[0]?.value).toBe(255);
  });

  it('documents every variable it uses in deploy/.env.example, which holds no secret values', () => {
    const example = readFileSync(ENV_EXAMPLE, 'utf8');
    const documented = new Map(
      [...example.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const used = new Set(model.values.flatMap(variableReferences).map((r) => r.name));
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
    const secretValues = [...documented].filter(([k, v]) => SECRET_KEY.test(k) && v !== '');
    expect(secretValues).toEqual([]);
  });
});

describe('the knowledge base database (kb-postgres)', () => {
  const raw = (parse(readFileSync(COMPOSE, 'utf8')) as { services: Record<string, unknown> })
    .services['kb-postgres'] as { profiles?: string[] } | undefined;

  it('is opt-in, and runs the PostgreSQL major and pgvector version the stores tier tests', () => {
    expect(raw?.profiles).toEqual(['knowledge-base']);
    const kb = service('kb-postgres');
    const image = interpolate(kb.image ?? '', {}, 'placeholder');
    const m = /^pgvector\/pgvector:(\d+\.\d+\.\d+)-pg(\d+)(-[a-z]+)?$/.exec(image);
    expect(m, image).not.toBeNull();
    expect(m?.[1]).toBe(PINNED_POSTGRES.pgvector);
    expect(Number(m?.[2])).toBe(PINNED_POSTGRES.major);
  });

  it('keeps its password in KB_POSTGRES_PASSWORD, handed only to itself and the worker', () => {
    const users = model.services.filter((s) =>
      Object.values(s.environment).some((v) => v?.includes('KB_POSTGRES_PASSWORD')),
    );
    expect(users.map((s) => s.name).sort()).toEqual(['kb-postgres', 'worker']);
    expect(service('kb-postgres').environment.POSTGRES_PASSWORD).toBe('${KB_POSTGRES_PASSWORD:-}');
    // `pg` reads PGPASSWORD, so the store URI the worker is given carries no password.
    expect(service('worker').environment.PGPASSWORD).toBe('${KB_POSTGRES_PASSWORD:-}');
  });

  it('keeps its cluster in a named volume at the PostgreSQL 18 image path, on a loopback port', () => {
    const kb = service('kb-postgres');
    expect(kb.volumes).toEqual(['kb-postgres:/var/lib/postgresql']);
    expect(model.namedVolumes).toContain('kb-postgres');
    const ports = publishedPorts(kb, {});
    expect(ports).toEqual([expect.objectContaining({ target: '5432' })]);
    expect(kb.ports).toEqual(['${PUBLISH_IP:-127.0.0.1}:${KB_POSTGRES_PORT:-5433}:5432']);
    expect(kb.healthcheck?.test).toEqual(['CMD-SHELL', 'pg_isready -U finetune_kb -d knowledge']);
  });
});

describe('the compose checker on deliberately broken copies', () => {
  it('passes an unchanged round-trip copy (so the failures below come from the mutation)', () => {
    const path = writeMutated(tmp, 'unchanged', () => undefined);
    expect(checkComposeFile(path, expectations)).toEqual([]);
  });

  it.each(mutations)('fails when $name', ({ name, mutate, expected }) => {
    const path = writeMutated(tmp, name, mutate);
    const problems = checkComposeFile(path, expectations);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });
});
