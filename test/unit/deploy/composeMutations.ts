// Broken copies of docker-compose.yml, one rule each, for proving the checker (and compose) fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { isRecord, type Raw } from './composeModel.js';
import { ROOT } from './projectFacts.js';

/** The mapping at `path` inside the parsed document (created when missing). */
export function at(doc: Raw, ...path: string[]): Raw {
  let node = doc;
  for (const key of path) {
    const next = node[key] ?? (node[key] = {});
    if (!isRecord(next)) throw new Error(`${path.join('.')}: ${key} is not a mapping`);
    node = next;
  }
  return node;
}

const env = (doc: Raw, service: string) => at(doc, 'services', service, 'environment');

function replaceInSpec(doc: Raw, from: string, to: string): void {
  const e = env(doc, 'temporal-create-search-attributes');
  e.SEARCH_ATTRIBUTES = String(e.SEARCH_ATTRIBUTES).replace(from, to);
}

export interface Mutation {
  name: string;
  mutate: (doc: Raw) => void;
  expected: RegExp;
}

export const mutations: Mutation[] = [
  {
    name: 'depends_on names a missing service',
    mutate: (d) => {
      const deps = at(d, 'services', 'worker', 'depends_on');
      deps['temporal-create-search-attrs'] = deps['temporal-create-search-attributes'];
      delete deps['temporal-create-search-attributes'];
    },
    expected: /temporal-create-search-attrs: no such service/,
  },
  {
    name: 'an invalid depends_on condition is used',
    mutate: (d) => {
      at(d, 'services', 'worker', 'depends_on', 'temporal').condition = 'service_ready';
    },
    expected: /invalid condition "service_ready"/,
  },
  {
    name: 'service_healthy waits on a service without a healthcheck',
    mutate: (d) => {
      at(d, 'services', 'webhook', 'depends_on')['temporal-ui'] = { condition: 'service_healthy' };
    },
    expected: /temporal-ui has no healthcheck/,
  },
  {
    name: 'a service waits for a long-running service to complete',
    mutate: (d) => {
      at(d, 'services', 'worker', 'depends_on').postgresql = {
        condition: 'service_completed_successfully',
      };
    },
    expected: /postgresql restarts "unless-stopped"/,
  },
  {
    name: 'depends_on forms a cycle',
    mutate: (d) => {
      at(d, 'services', 'temporal', 'depends_on').worker = { condition: 'service_started' };
    },
    expected: /depends_on cycle/,
  },
  {
    name: 'a secret has a literal value',
    mutate: (d) => {
      env(d, 'worker').OPENAI_API_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
    },
    expected: /worker: OPENAI_API_KEY has a literal value/,
  },
  {
    name: 'a secret has a literal default',
    mutate: (d) => {
      env(d, 'webhook').OPENAI_WEBHOOK_SECRET = '${OPENAI_WEBHOOK_SECRET:-changeme}';
    },
    expected: /OPENAI_WEBHOOK_SECRET has a literal default "changeme"/,
  },
  {
    name: 'a secret is written in list-form environment',
    mutate: (d) => {
      at(d, 'services', 'webhook').environment = [
        'TEMPORAL_ADDRESS=temporal:7233',
        'OPENAI_WEBHOOK_SECRET=whsec_c2VjcmV0LXNlY3JldA==',
      ];
    },
    expected: /OPENAI_WEBHOOK_SECRET has a literal value/,
  },
  {
    name: 'the database password is written out',
    mutate: (d) => {
      env(d, 'temporal').POSTGRES_PWD = 'temporal';
    },
    expected: /temporal: POSTGRES_PWD has a literal value/,
  },
  {
    name: 'a search attribute the code exports is not created',
    mutate: (d) => replaceInSpec(d, 'FineTuneDatasetDigest=Keyword', ''),
    expected: /FineTuneDatasetDigest is not created/,
  },
  {
    name: 'a search attribute the code does not export is created',
    mutate: (d) =>
      replaceInSpec(d, 'FineTuneStage=Keyword', 'FineTuneStage=Keyword FineTuneColor=Keyword'),
    expected: /FineTuneColor is not exported by the code/,
  },
  {
    name: 'a search attribute has the wrong type',
    mutate: (d) => replaceInSpec(d, 'FineTuneStage=Keyword', 'FineTuneStage=Text'),
    expected: /FineTuneStage has type Text, the code says Keyword/,
  },
  {
    name: 'the search-attribute one-shot runs another script',
    mutate: (d) => {
      at(d, 'services', 'temporal-create-search-attributes').command = [
        '/scripts/create-namespace.sh',
      ];
    },
    expected: /does not run create-search-attributes.sh/,
  },
  {
    name: 'two services publish the same host port',
    mutate: (d) => {
      at(d, 'services', 'temporal-ui').ports = [
        '${PUBLISH_IP:-127.0.0.1}:${WEBHOOK_PORT:-8787}:8080',
      ];
    },
    expected: /host port 8787\/tcp is published by both/,
  },
  {
    name: 'the webhook runs an image not built from the Dockerfile',
    mutate: (d) => {
      const webhook = at(d, 'services', 'webhook');
      delete webhook.build;
      webhook.image = 'node:20-bookworm-slim';
    },
    expected: /webhook: not built from the project Dockerfile/,
  },
  {
    name: 'the webhook command passes a flag the CLI does not have',
    mutate: (d) => {
      at(d, 'services', 'webhook').command = ['webhook', '--listen', '0.0.0.0', '--port', '8787'];
    },
    expected: /finetune webhook has no --listen flag/,
  },
  {
    name: 'the webhook listens on a port it does not publish',
    mutate: (d) => {
      at(d, 'services', 'webhook').command = ['webhook', '--port', '9000'];
    },
    expected: /webhook: listens on 9000 but publishes container port 8787/,
  },
  {
    name: 'an image is not pinned',
    mutate: (d) => {
      at(d, 'services', 'temporal-ui').image = 'temporalio/ui:latest';
    },
    expected: /temporal-ui: image temporalio\/ui:latest is not pinned/,
  },
  {
    name: 'a bind mount points at a missing project path',
    mutate: (d) => {
      at(d, 'services', 'temporal').volumes = [
        './deploy/dynamic-config:/etc/temporal/config/dynamicconfig',
      ];
    },
    expected: /bind mount source .\/deploy\/dynamic-config does not exist/,
  },
];

/** Writes docker-compose.yml, changed by `mutate`, to `dir`; returns the file's path. */
export function writeMutated(dir: string, name: string, mutate: (doc: Raw) => void): string {
  const doc: unknown = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
  if (!isRecord(doc)) throw new Error('docker-compose.yml is not a mapping');
  mutate(doc);
  const path = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yml`);
  writeFileSync(path, stringify(doc));
  return path;
}
