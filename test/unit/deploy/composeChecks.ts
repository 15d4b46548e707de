// The rules our docker-compose.yml must keep, as one function returning readable problems (empty
// when all hold). The unit test runs it on the real file and on deliberately broken copies.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { interpolate, soleReference, type Env } from './interpolation.js';
import { loadCompose, type ComposeModel, type ServiceModel } from './composeModel.js';
import { publishedPorts, splitVolume } from './composePaths.js';

export const VALID_CONDITIONS = [
  'service_started',
  'service_healthy',
  'service_completed_successfully',
] as const;

/** Environment keys whose values are credentials. */
export const SECRET_KEY = /(API_KEY|SECRET|TOKEN|PASSWORD|PASSWD|PWD)$/;
/** Literal credentials that must never appear anywhere in the file. */
const SECRET_LITERALS = [/\bsk-[A-Za-z0-9_-]{16,}/, /\bwhsec_[A-Za-z0-9+/=]{8,}/];

export interface ComposeExpectations {
  /** Directory relative paths resolve against (docker-compose --project-directory). */
  projectDir: string;
  /** Services that must run the project image built from the project's Dockerfile. */
  projectServices: readonly string[];
  /** Search attributes the one-shot service must create: name and CLI type (e.g. Keyword). */
  searchAttributes: readonly { name: string; type: string }[];
  /** Long flags each `finetune` subcommand accepts, e.g. { webhook: ['--port', ...] }. */
  cliFlags: Readonly<Record<string, readonly string[]>>;
  /** Variables for interpolation; unset ones take the file's defaults. */
  env?: Env;
}

type Check = (m: ComposeModel, x: ComposeExpectations) => string[];

const byName = (m: ComposeModel) => new Map(m.services.map((s) => [s.name, s]));

const checkDependsOn: Check = (m) => {
  const services = byName(m);
  const problems: string[] = [];
  for (const s of m.services) {
    for (const d of s.dependsOn) {
      const target = services.get(d.service);
      const where = `${s.name} depends_on ${d.service}`;
      if (!target) problems.push(`${where}: no such service`);
      if (d.service === s.name) problems.push(`${where}: a service cannot wait for itself`);
      if (!(VALID_CONDITIONS as readonly string[]).includes(d.condition)) {
        problems.push(`${where}: invalid condition "${d.condition}"`);
      }
      if (target && d.condition === 'service_healthy' && !target.healthcheck?.test) {
        problems.push(`${where}: service_healthy, but ${d.service} has no healthcheck`);
      }
      const restart = target?.restart ?? 'no';
      if (
        d.condition === 'service_completed_successfully' &&
        /^(always|unless-stopped)$/.test(restart)
      ) {
        problems.push(`${where}: waits for completion, but ${d.service} restarts "${restart}"`);
      }
    }
  }
  return problems.concat(dependencyCycles(m));
};

function dependencyCycles(m: ComposeModel): string[] {
  const edges = new Map(m.services.map((s) => [s.name, s.dependsOn.map((d) => d.service)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      cycles.push(`depends_on cycle: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of edges.keys()) visit(name, []);
  return cycles;
}

const checkProjectImage: Check = (m, x) => {
  const problems: string[] = [];
  const images = new Set<string | undefined>();
  for (const name of x.projectServices) {
    const s = byName(m).get(name);
    if (!s) {
      problems.push(`${name}: project service missing`);
      continue;
    }
    images.add(s.image);
    if (!s.build) {
      problems.push(`${name}: not built from the project Dockerfile (no build section)`);
      continue;
    }
    if (resolve(x.projectDir, s.build.context) !== resolve(x.projectDir)) {
      problems.push(`${name}: build context ${s.build.context} is not the project root`);
    }
    if (!existsSync(join(x.projectDir, s.build.context, s.build.dockerfile))) {
      problems.push(`${name}: ${s.build.dockerfile} does not exist`);
    }
  }
  if (images.size > 1)
    problems.push(`project services use different images: ${[...images].join(', ')}`);
  return problems;
};

const checkSecrets: Check = (m) => {
  const problems: string[] = [];
  for (const s of m.services) {
    for (const [key, value] of Object.entries(s.environment)) {
      if (!SECRET_KEY.test(key) || value === undefined) continue;
      const ref = soleReference(value);
      if (!ref) problems.push(`${s.name}: ${key} has a literal value; use \${${key}}`);
      else if ((ref.operator === ':-' || ref.operator === '-') && ref.argument !== '') {
        problems.push(`${s.name}: ${key} has a literal default "${ref.argument}"`);
      }
    }
  }
  for (const pattern of SECRET_LITERALS) {
    if (pattern.test(m.text))
      problems.push(`the file contains something shaped like a secret (${pattern.source})`);
  }
  return problems;
};

/** Name=Type pairs, whitespace-separated, as create-search-attributes.sh reads them. */
export function parseSearchAttributes(raw: string): { name: string; type: string }[] {
  return raw
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const [name = '', type = ''] = pair.split('=');
      return { name, type };
    });
}

/** The pairs the one-shot service's SEARCH_ATTRIBUTES holds. */
export function searchAttributeSpec(s: ServiceModel, env: Env): { name: string; type: string }[] {
  return parseSearchAttributes(
    interpolate(s.environment.SEARCH_ATTRIBUTES ?? '', env, 'placeholder'),
  );
}

const checkSearchAttributes: Check = (m, x) => {
  const owners = m.services.filter((s) => s.environment.SEARCH_ATTRIBUTES !== undefined);
  if (owners.length !== 1) {
    return [`expected one service setting SEARCH_ATTRIBUTES, found ${owners.length}`];
  }
  const owner = owners[0] as ServiceModel;
  const got = searchAttributeSpec(owner, x.env ?? {});
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { name, type } of got) {
    if (seen.has(name)) problems.push(`search attribute ${name} is listed twice`);
    seen.add(name);
    const want = x.searchAttributes.find((a) => a.name === name);
    if (!want) problems.push(`search attribute ${name} is not exported by the code`);
    else if (want.type.toLowerCase() !== type.toLowerCase()) {
      problems.push(`search attribute ${name} has type ${type}, the code says ${want.type}`);
    }
  }
  for (const want of x.searchAttributes) {
    if (!seen.has(want.name)) problems.push(`search attribute ${want.name} is not created`);
  }
  if (!owner.command?.some((a) => a.endsWith('create-search-attributes.sh'))) {
    problems.push(`${owner.name}: does not run create-search-attributes.sh`);
  }
  return problems;
};

const checkPorts: Check = (m, x) => {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const s of m.services) {
    for (const p of publishedPorts(s, x.env ?? {})) {
      if ('problem' in p) {
        problems.push(`${s.name}: ${p.problem}`);
        continue;
      }
      const key = `${p.host}/${p.protocol}`;
      const other = owners.get(key);
      if (other) problems.push(`host port ${key} is published by both ${other} and ${s.name}`);
      owners.set(key, s.name);
    }
  }
  return problems;
};

const checkImagesPinned: Check = (m, x) =>
  m.services.flatMap((s) => {
    if (s.build) return [];
    if (!s.image) return [`${s.name}: no image`];
    const image = interpolate(s.image, x.env ?? {}, 'placeholder');
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    return !tag || tag === 'latest' ? [`${s.name}: image ${image} is not pinned to a version`] : [];
  });

const checkVolumes: Check = (m, x) => {
  const problems: string[] = [];
  for (const s of m.services) {
    for (const v of s.volumes) {
      const mount = splitVolume(v);
      if (!mount) {
        problems.push(`${s.name}: cannot read volume ${JSON.stringify(v)}`);
        continue;
      }
      const isPath = /^[./~]/.test(mount.source);
      if (
        !isPath &&
        mount.source &&
        !m.namedVolumes.includes(mount.source) &&
        !mount.source.includes('$')
      ) {
        problems.push(`${s.name}: named volume ${mount.source} is not declared`);
      }
      // Literal project paths must exist; a path from a variable is the user's to provide.
      if (
        isPath &&
        !mount.source.includes('$') &&
        !existsSync(resolve(x.projectDir, mount.source))
      ) {
        problems.push(`${s.name}: bind mount source ${mount.source} does not exist`);
      }
    }
  }
  return problems;
};

const checkProjectCommands: Check = (m, x) => {
  const problems: string[] = [];
  for (const name of x.projectServices) {
    const s = byName(m).get(name);
    const [sub, ...args] = s?.command ?? [];
    if (!s || !sub) continue;
    const flags = x.cliFlags[sub];
    if (!flags) {
      problems.push(`${name}: "${sub}" is not a finetune subcommand`);
      continue;
    }
    for (const arg of args.filter((a) => a.startsWith('--'))) {
      const flag = arg.split('=')[0] ?? arg;
      if (!flags.includes(flag)) problems.push(`${name}: finetune ${sub} has no ${flag} flag`);
    }
    const published = publishedPorts(s, x.env ?? {}).flatMap((p) =>
      'target' in p ? [p.target] : [],
    );
    if (published.length) {
      const i = args.indexOf('--port');
      const port = i >= 0 ? args[i + 1] : undefined;
      if (!port) problems.push(`${name}: publishes a port but does not pass --port`);
      else if (!published.includes(port)) {
        problems.push(
          `${name}: listens on ${port} but publishes container port ${published.join(', ')}`,
        );
      }
    }
  }
  return problems;
};

const CHECKS: readonly Check[] = [
  checkDependsOn,
  checkProjectImage,
  checkSecrets,
  checkSearchAttributes,
  checkPorts,
  checkImagesPinned,
  checkVolumes,
  checkProjectCommands,
];

export function checkComposeModel(m: ComposeModel, x: ComposeExpectations): string[] {
  return [...m.problems, ...CHECKS.flatMap((check) => check(m, x))];
}

/** All problems with the compose file at `path`; empty when it keeps every rule. */
export function checkComposeFile(path: string, x: ComposeExpectations): string[] {
  return checkComposeModel(loadCompose(path), x);
}
