import type { CollectionRecord, MembershipRecord } from './artifactRecords.js';
import { UserInputError } from './runs.js';

/** W&B's naming rules for artifacts and aliases, and how `<collection>:<alias>` resolves. */

export function checkArtifactName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
    throw new UserInputError(
      `invalid artifact name "${name}": use 1 to 128 of the characters A-Z a-z 0-9 _ . -`,
    );
  }
}

export function checkAlias(alias: string): void {
  if (alias.length === 0 || alias.length > 128 || /[/:]/.test(alias)) {
    throw new UserInputError(`invalid alias "${alias}": 1 to 128 characters, no "/" or ":"`);
  }
  if (/^v\d+$/.test(alias)) {
    throw new UserInputError(`"${alias}" is a version name and cannot be used as an alias`);
  }
}

export function resolveInCollection(
  collection: CollectionRecord,
  alias: string,
): MembershipRecord | undefined {
  const version = /^v(\d+)$/.exec(alias);
  if (version) return collection.memberships.find((m) => m.versionIndex === Number(version[1]));
  const aliased = collection.aliases.get(alias);
  if (aliased) return aliased.membership;
  return collection.memberships.find((m) => m.artifact.digest === alias);
}

export function checkArtifactMetadata(metadata: string): void {
  let value: unknown;
  try {
    value = JSON.parse(metadata);
  } catch {
    throw new UserInputError(
      'artifact metadata must be a JSON-encoded object string (no Infinity)',
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserInputError('artifact metadata must be a JSON object');
  }
  if (Object.keys(value).length > 100) {
    throw new UserInputError('artifact metadata may have at most 100 top-level keys');
  }
}
