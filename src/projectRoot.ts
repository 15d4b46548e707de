import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'temporal-finetune';

function isOurPackageJson(dir: string): boolean {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return false;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

let cached: string | undefined;

/**
 * The folder holding this package's package.json, whether running from src/ (tsx), from dist/ in
 * a checkout, or from an installed copy in node_modules (which ships bin/, dist/, data/ and the
 * Temporal CLI requirements, but no src/). Found by the package's name, not by any folder.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isOurPackageJson(dir)) return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${PACKAGE_NAME}: cannot find the package root`);
    dir = parent;
  }
}
