import { WandbInputError } from '../errors.js';

// W&B's naming rules, checked before any request so the caller gets a clear message, and the
// parser for "entity/project/name:alias" paths.

const ARTIFACT_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_METADATA_KEYS = 100;

export function validateArtifactName(name: string): void {
  if (!ARTIFACT_NAME.test(name)) {
    throw new WandbInputError(
      `Artifact name "${name}" is invalid: use 1–128 characters from A–Z a–z 0–9 _ . - (see sanitizeArtifactName).`,
    );
  }
}

/** Replace every character W&B refuses with "_" (what the Python logger does for file ids). */
export function sanitizeArtifactName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128);
}

export function validateArtifactType(type: string): void {
  if (!type || type.length > 128 || /[/:]/.test(type)) {
    throw new WandbInputError(
      `Artifact type "${type}" is invalid: 1–128 characters, no "/" or ":".`,
    );
  }
}

export function validateAlias(alias: string): void {
  if (!alias || alias.length > 128 || /[/:]/.test(alias)) {
    throw new WandbInputError(`Alias "${alias}" is invalid: 1–128 characters, no "/" or ":".`);
  }
}

/** Logical paths inside an artifact: forward slashes, relative, no "." or ".." segments. */
export function validateLogicalPath(path: string): void {
  const segments = path.split('/');
  if (
    !path ||
    path.startsWith('/') ||
    path.includes('\\') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw new WandbInputError(
      `Artifact file path "${path}" must be relative, use "/", and have no empty, "." or ".." parts.`,
    );
  }
}

/** W&B rejects ±Infinity in metadata and more than 100 top-level keys; NaN becomes null. */
export function sanitizeMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(metadata);
  if (keys.length > MAX_METADATA_KEYS) {
    throw new WandbInputError(
      `Artifact metadata has ${keys.length} top-level keys; W&B allows ${MAX_METADATA_KEYS}.`,
    );
  }
  return JSON.parse(
    JSON.stringify(metadata, (key, value: unknown) => {
      if (value === Infinity || value === -Infinity) {
        throw new WandbInputError(`Artifact metadata "${key}" is infinite; W&B refuses ±Infinity.`);
      }
      return value; // JSON.stringify already writes NaN as null
    }),
  ) as Record<string, unknown>;
}

export interface ArtifactPath {
  entity: string;
  project: string;
  /** Collection (artifact) name. */
  name: string;
  /** Alias or version ("latest", "production", "v3"). */
  alias: string;
}

/**
 * Parse "entity/project/name:alias", "project/name:alias" or "name:alias" (alias defaults to
 * "latest"); missing parts come from `defaults`.
 */
export function parseArtifactPath(
  path: string,
  defaults: { entity?: string; project?: string } = {},
): ArtifactPath {
  const colon = path.indexOf(':');
  const head = colon === -1 ? path : path.slice(0, colon);
  const alias = colon === -1 ? 'latest' : path.slice(colon + 1);
  const parts = head.split('/');
  const name = parts.pop() ?? '';
  const project = parts.pop() ?? defaults.project;
  const entity = parts.pop() ?? defaults.entity;
  if (parts.length > 0 || !entity || !project) {
    throw new WandbInputError(
      `Artifact path "${path}" must look like entity/project/name:alias (entity and project may come from defaults).`,
    );
  }
  validateArtifactName(name);
  validateAlias(alias);
  return { entity, project, name, alias };
}

export function formatArtifactPath(p: ArtifactPath): string {
  return `${p.entity}/${p.project}/${p.name}:${p.alias}`;
}
