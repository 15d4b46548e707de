import { createHash } from 'node:crypto';
import { z } from 'zod';
import { WandbProtocolError } from '../errors.js';

// Artifact manifest v1 (wandb_manifest.json) and the MANIFEST_MD5 artifact digest.

export const MANIFEST_FILE_NAME = 'wandb_manifest.json';
export const STORAGE_POLICY = 'wandb-storage-policy-v1';

export interface ManifestEntry {
  /** Base64 MD5 of the file's bytes (or, for references, the remote etag/uri). */
  digest: string;
  size?: number;
  /** Server id of the artifact version that first stored these bytes. */
  birthArtifactID?: string;
  ref?: string;
  extra?: Record<string, unknown>;
}

export interface ArtifactManifest {
  version: 1;
  storagePolicy: string;
  storagePolicyConfig: { storageLayout?: 'V1' | 'V2'; storageRegion?: string };
  contents: Record<string, ManifestEntry>;
}

/** Order by Unicode code point, as Python sorts str (UTF-8 byte order is the same order). */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * MANIFEST_MD5: hex MD5 of "wandb-artifact-manifest-v1\n" then "<path>:<digest>\n" per entry,
 * sorted by path. Only paths and entry digests count; equal digest means the server dedups.
 */
export function artifactDigest(entries: Iterable<{ path: string; digest: string }>): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.path, b.path));
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n', 'utf8');
  for (const e of sorted) hash.update(`${e.path}:${e.digest}\n`, 'utf8');
  return hash.digest('hex');
}

export function buildManifest(
  entries: Iterable<{ path: string; entry: ManifestEntry }>,
  storageRegion?: string,
): ArtifactManifest {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.path, b.path));
  const contents: Record<string, ManifestEntry> = {};
  for (const { path, entry } of sorted) contents[path] = entry;
  return {
    version: 1,
    storagePolicy: STORAGE_POLICY,
    storagePolicyConfig: storageRegion
      ? { storageLayout: 'V2', storageRegion }
      : { storageLayout: 'V2' },
    contents,
  };
}

/** The exact bytes we upload (their base64 MD5 is the manifest digest sent to the API). */
export function serializeManifest(manifest: ArtifactManifest): string {
  return JSON.stringify(manifest, null, 4);
}

const EntrySchema = z
  .object({
    digest: z.string(),
    size: z.number().int().nonnegative().nullish(),
    birthArtifactID: z.string().nullish(),
    ref: z.string().nullish(),
    extra: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

const ManifestSchema = z
  .object({
    version: z.literal(1),
    storagePolicy: z.string(),
    storagePolicyConfig: z.record(z.string(), z.unknown()).nullish(),
    contents: z.record(z.string(), EntrySchema),
  })
  .loose();

/** Parse a downloaded manifest; unknown keys (skip_cache, local_path, …) are ignored. */
export function parseManifest(text: string): ArtifactManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WandbProtocolError('The artifact manifest is not valid JSON.');
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WandbProtocolError(
      `The artifact manifest is not a version-1 manifest we understand (${parsed.error.issues[0]?.message ?? 'invalid'}).`,
    );
  }
  const contents: Record<string, ManifestEntry> = {};
  for (const [path, e] of Object.entries(parsed.data.contents)) {
    const entry: ManifestEntry = { digest: e.digest };
    if (e.size != null) entry.size = e.size;
    if (e.birthArtifactID != null) entry.birthArtifactID = e.birthArtifactID;
    if (e.ref != null) entry.ref = e.ref;
    if (e.extra != null) entry.extra = e.extra;
    contents[path] = entry;
  }
  const config = parsed.data.storagePolicyConfig ?? {};
  return {
    version: 1,
    storagePolicy: parsed.data.storagePolicy,
    storagePolicyConfig: {
      storageLayout: config.storageLayout === 'V1' ? 'V1' : 'V2',
      ...(typeof config.storageRegion === 'string' ? { storageRegion: config.storageRegion } : {}),
    },
    contents,
  };
}
