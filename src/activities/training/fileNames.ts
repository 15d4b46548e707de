import { basename, extname } from 'node:path';

/**
 * The name a dataset gets at OpenAI: its own name plus a digest prefix. The Files API has no
 * metadata, so the name is how a retry (or a later pipeline) finds content that is already there.
 */
export function providerFileName(path: string, digest: string): string {
  const hex = digest.replace(/^sha256:/, '').slice(0, 16);
  const ext = extname(path) || '.jsonl';
  return `${basename(path, ext)}.sha256-${hex}${ext}`;
}
