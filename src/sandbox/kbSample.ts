import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../projectRoot.js';

// The knowledge-base sandbox's sample (data/sample/kb): a small handbook of a made-up deployment
// tool, a golden set of questions labelled with the documents that answer them, and the changes
// that make the second version (two documents edited, one added, one removed).

export const SAMPLE_KB = 'handbook';

/** The document the changed copy leaves out. */
export const REMOVED_DOCUMENT = 'backups.md';

export interface KbSample {
  /** The first corpus: the bundled folder itself. */
  documents: string;
  golden: string;
  /** The edited and added documents of the second version. */
  changes: string;
}

export function kbSample(): KbSample {
  const root = join(projectRoot(), 'data', 'sample', 'kb');
  return {
    documents: join(root, 'docs'),
    golden: join(root, 'golden.jsonl'),
    changes: join(root, 'changes'),
  };
}

/**
 * Writes the changed copy into `dir` (emptied first): the documents, less REMOVED_DOCUMENT, with
 * the changes laid over them. Document ids are paths under the folder, so they match the first's.
 */
export function writeChangedCopy(sample: KbSample, dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(sample.documents, dir, { recursive: true });
  rmSync(join(dir, REMOVED_DOCUMENT));
  const changed = readdirSync(sample.changes).sort();
  for (const name of changed) cpSync(join(sample.changes, name), join(dir, name));
  return changed;
}
