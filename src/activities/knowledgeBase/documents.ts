import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../../shared/errorTypes.js';
import { normaliseText } from './chunking.js';
import {
  readerFor,
  SUPPORTED_EXTENSIONS,
  type ReadProblem,
  type SourceDocument,
} from './readers/index.js';

// From the sources the person named (folders and files on the worker) to documents with stable
// ids, in a deterministic order: the same files give the same documents in the same order, so
// the documents' shards, their digest and their W&B version are the same too.

/** How many skipped files a summary lists (the rest are counted). */
export const SKIPPED_SHOWN = 20;

export interface DocumentWalk {
  /** Each readable document, normalised, in a deterministic order. */
  documents: AsyncIterable<SourceDocument>;
  /** Files and lines not read, and why (filled while `documents` is consumed). */
  skipped: ReadProblem[];
  skippedCount: () => number;
}

const invalid = (message: string) =>
  ApplicationFailure.nonRetryable(message, ErrorType.KbInvalidInput);

/** Entries of a folder in a fixed order (code-unit order, not the locale's). */
async function sortedEntries(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => !n.startsWith('.') && n !== 'node_modules')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every file under a folder, depth first in sorted order; symlinked folders once. */
async function* walkFolder(
  root: string,
  dir: string,
  seen: Set<string>,
): AsyncIterable<{ path: string; id: string }> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  for (const name of await sortedEntries(dir)) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) yield* walkFolder(root, path, seen);
    else if (info.isFile()) yield { path, id: relative(root, path).split(sep).join('/') };
  }
}

async function* sourceFiles(
  sources: readonly string[],
): AsyncIterable<{ path: string; id: string }> {
  const seen = new Set<string>();
  for (const source of sources) {
    const info = await stat(source).catch((err: NodeJS.ErrnoException) => {
      throw invalid(
        `The source ${source} cannot be read on the worker (${err.code ?? err.message}); sources are paths where the worker runs.`,
      );
    });
    if (info.isDirectory()) yield* walkFolder(source, source, seen);
    else yield { path: source, id: basename(source) };
  }
}

/**
 * Reads the sources. Unsupported files and empty documents are skipped (and listed); two
 * documents with one id fail the read, naming both, since one would silently hide the other.
 */
export function walkDocuments(sources: readonly string[]): DocumentWalk {
  const skipped: ReadProblem[] = [];
  let skippedTotal = 0;
  const skip = (p: ReadProblem) => {
    skippedTotal++;
    if (skipped.length < SKIPPED_SHOWN) skipped.push(p);
  };
  async function* documents(): AsyncIterable<SourceDocument> {
    const ids = new Map<string, string>();
    for await (const file of sourceFiles(sources)) {
      const reader = readerFor(file.path);
      if (!reader) {
        skip({
          path: file.path,
          reason: `not a supported format (${SUPPORTED_EXTENSIONS.join(' ')})`,
        });
        continue;
      }
      for await (const doc of reader.read(file.path, file.id, skip)) {
        const text = normaliseText(doc.text);
        if (!text.trim()) {
          skip({
            path:
              doc.source === file.path && doc.id === file.id
                ? file.path
                : `${file.path} (${doc.id})`,
            reason: 'no text',
          });
          continue;
        }
        const first = ids.get(doc.id);
        if (first !== undefined) {
          throw invalid(
            `Two documents have the id "${doc.id}" (${first} and ${doc.source}): rename one, or give their folders as one source.`,
          );
        }
        ids.set(doc.id, doc.source);
        yield { ...doc, text };
      }
    }
  }
  return { documents: documents(), skipped, skippedCount: () => skippedTotal };
}
