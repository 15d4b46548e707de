import { createHash } from 'node:crypto';
import { UserInputError } from './runs.js';

export interface ManifestEntry {
  path: string;
  /** base64 MD5 for stored files; an etag / checksum / the URI itself for references. */
  digest: string;
  size: number;
  birthArtifactID: string | null;
  ref: string | null;
}

/** Parses a `wandb_manifest.json` (version 1); unknown entry keys are ignored as W&B's readers do. */
export function parseManifest(bytes: Uint8Array): ManifestEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new UserInputError('the uploaded manifest is not valid JSON');
  }
  const manifest = doc as { version?: unknown; contents?: unknown };
  if (manifest.version !== 1) throw new UserInputError('only manifest version 1 is supported');
  if (manifest.contents === null || typeof manifest.contents !== 'object') {
    throw new UserInputError('the manifest has no "contents" object');
  }
  return Object.entries(manifest.contents as Record<string, Record<string, unknown>>).map(
    ([path, entry]) => {
      if (typeof entry.digest !== 'string') {
        throw new UserInputError(`manifest entry "${path}" has no digest`);
      }
      return {
        path,
        digest: entry.digest,
        size: typeof entry.size === 'number' ? entry.size : 0,
        birthArtifactID: typeof entry.birthArtifactID === 'string' ? entry.birthArtifactID : null,
        ref: typeof entry.ref === 'string' ? entry.ref : null,
      };
    },
  );
}

/** Compares like Python's `sorted()` on str: by code point, not by UTF-16 unit or locale. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** MANIFEST_MD5: hex MD5 of a fixed header plus `path:digest\n` per entry sorted by path. */
export function artifactDigest(entries: { path: string; digest: string }[]): string {
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n');
  for (const entry of [...entries].sort((a, b) => byCodePoint(a.path, b.path))) {
    hash.update(`${entry.path}:${entry.digest}\n`, 'utf8');
  }
  return hash.digest('hex');
}
