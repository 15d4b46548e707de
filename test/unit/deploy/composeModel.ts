// Reads a compose file into a small normalized model: the long and short forms compose accepts
// (list or map environment, list or map depends_on, string or list command) become one shape.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Raw = Record<string, unknown>;

export interface DependsOn {
  service: string;
  condition: string;
}

export interface ServiceModel {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  /** Uninterpolated values; `undefined` for a bare `KEY` (taken from the shell). */
  environment: Record<string, string | undefined>;
  envFiles: string[];
  dependsOn: DependsOn[];
  /** Short-syntax strings or long-syntax objects, uninterpolated. */
  ports: unknown[];
  volumes: unknown[];
  healthcheck?: Raw;
  restart?: string;
}

export interface ComposeModel {
  text: string;
  /** Every string value in the document (keys and comments excluded): what compose interpolates. */
  values: string[];
  services: ServiceModel[];
  namedVolumes: string[];
  problems: string[];
}

export const isRecord = (v: unknown): v is Raw =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

function argv(v: unknown): string[] | undefined {
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  if (Array.isArray(v)) return v.map((x) => scalar(x) ?? '');
  return undefined;
}

function environment(v: unknown): Record<string, string | undefined> {
  if (Array.isArray(v)) {
    return Object.fromEntries(
      v.map((entry) => {
        const s = String(entry);
        const i = s.indexOf('=');
        return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
      }),
    );
  }
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scalar(x)]));
  return {};
}

function dependsOn(v: unknown): DependsOn[] {
  if (Array.isArray(v)) return v.map((s) => ({ service: String(s), condition: 'service_started' }));
  if (isRecord(v)) {
    return Object.entries(v).map(([service, spec]) => ({
      service,
      condition: isRecord(spec) ? (scalar(spec.condition) ?? 'service_started') : '<not a mapping>',
    }));
  }
  return [];
}

function build(v: unknown): ServiceModel['build'] {
  if (typeof v === 'string') return { context: v, dockerfile: 'Dockerfile' };
  if (isRecord(v)) {
    return {
      context: scalar(v.context) ?? '.',
      dockerfile: scalar(v.dockerfile) ?? 'Dockerfile',
    };
  }
  return undefined;
}

function service(name: string, raw: Raw): ServiceModel {
  const envFile = raw.env_file;
  return {
    name,
    image: scalar(raw.image),
    build: build(raw.build),
    command: argv(raw.command),
    entrypoint: argv(raw.entrypoint),
    environment: environment(raw.environment),
    envFiles: envFile === undefined ? [] : [envFile].flat().map(String),
    dependsOn: dependsOn(raw.depends_on),
    ports: Array.isArray(raw.ports) ? raw.ports : [],
    volumes: Array.isArray(raw.volumes) ? raw.volumes : [],
    healthcheck: isRecord(raw.healthcheck) ? raw.healthcheck : undefined,
    restart: scalar(raw.restart),
  };
}

function stringValues(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(stringValues);
  if (isRecord(node)) return Object.values(node).flatMap(stringValues);
  return [];
}

export function parseCompose(text: string): ComposeModel {
  const problems: string[] = [];
  const doc: unknown = parse(text);
  const values = stringValues(doc);
  if (!isRecord(doc) || !isRecord(doc.services)) {
    return { text, values, services: [], namedVolumes: [], problems: ['no services mapping'] };
  }
  const services: ServiceModel[] = [];
  for (const [name, raw] of Object.entries(doc.services)) {
    if (isRecord(raw)) services.push(service(name, raw));
    else problems.push(`service ${name}: not a mapping`);
  }
  const namedVolumes = isRecord(doc.volumes) ? Object.keys(doc.volumes) : [];
  return { text, values, services, namedVolumes, problems };
}

export function loadCompose(path: string): ComposeModel {
  return parseCompose(readFileSync(path, 'utf8'));
}
