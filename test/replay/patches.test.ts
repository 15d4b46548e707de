import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATCHES, RETIRED_PATCH_IDS, type PatchEntry } from '../../src/workflows/patches.js';
import { loadFixtures, patchMarkers } from './support/histories.js';

// The patch registry (src/workflows/patches.ts) against the code that reads it and the committed
// histories that guard each branch. Static: no bundle, no worker (patchPaths.test.ts replays).

const ROOT = join(import.meta.dirname, '..', '..');
const WORKFLOWS = join(ROOT, 'src', 'workflows');
const fixtures = new Map(loadFixtures().map((f) => [f.name, f]));
const entries = Object.entries(PATCHES) as [string, PatchEntry][];

interface PatchRead {
  file: string;
  call: 'patched' | 'deprecatePatch';
  arg: string;
}

/** Every patched()/deprecatePatch() call in workflow code (comments aside), with its argument. */
function patchReads(): PatchRead[] {
  const files = readdirSync(WORKFLOWS, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );
  return files.flatMap((f) => {
    const source = readFileSync(join(WORKFLOWS, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|\s)\/\/.*$/gm, '$1');
    return [...source.matchAll(/\b(patched|deprecatePatch)\(([^)]*)\)/g)].map((m) => ({
      file: relative(ROOT, join(WORKFLOWS, f)),
      call: m[1] as PatchRead['call'],
      arg: m[2]!.trim(),
    }));
  });
}

const markerIds = (name: string) => patchMarkers(fixtures.get(name)!).map((m) => m.id);

describe('patch registry', () => {
  const reads = patchReads();

  it('every patch read in workflow code names its registry entry (patched(PATCH.<name>))', () => {
    expect(reads.length).toBeGreaterThan(0);
    const unnamed = reads.filter(
      (r) => !/^PATCH\.\w+$/.test(r.arg) || !(r.arg.slice('PATCH.'.length) in PATCHES),
    );
    expect(unnamed, 'read the id through PATCH.<name> and register it').toEqual([]);
  });

  it('each entry is read, with the call its state says', () => {
    for (const [name, entry] of entries) {
      const calls = reads.filter((r) => r.arg === `PATCH.${name}`).map((r) => r.call);
      expect(calls.length, `${entry.id} is in the registry but read nowhere`).toBeGreaterThan(0);
      const expected = entry.state === 'patched' ? 'patched' : 'deprecatePatch';
      expect(new Set(calls), `${entry.id} is ${entry.state}`).toEqual(new Set([expected]));
    }
  });

  it('ids are unique, never retired ones, and dated', () => {
    const ids = entries.map(([, e]) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => RETIRED_PATCH_IDS.includes(id))).toEqual([]);
    for (const [, e] of entries) {
      expect(e.since.date, e.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.since.commit, e.id).toMatch(/^[0-9a-f]{7,40}$/);
      expect(e.retire.length, `${e.id}: say when it may go`).toBeGreaterThan(20);
    }
  });

  it.each(entries.map(([, e]) => [e.id, e] as const))(
    '%s: a committed history for each branch',
    (id, entry) => {
      const named = [...entry.guards.old, ...entry.guards.new];
      expect(
        named.filter((n) => !fixtures.has(n)),
        'no such history',
      ).toEqual([]);
      for (const n of named) {
        expect(entry.workflows, `${n} is not a workflow that reads ${id}`).toContain(
          n.split('/')[0],
        );
      }
      expect(entry.guards.new.length, `${id}: no history of its new branch`).toBeGreaterThan(0);
      for (const n of entry.guards.new) expect(markerIds(n), n).toContain(id);
      if (entry.state === 'patched') {
        expect(entry.guards.old.length, `${id}: no history of its old branch`).toBeGreaterThan(0);
        for (const n of entry.guards.old) expect(markerIds(n), n).not.toContain(id);
      } else {
        expect(entry.guards.old, `${id} is deprecated: its old branch is gone`).toEqual([]);
      }
    },
  );

  it('every patch id a committed history carries is registered or retired', () => {
    const known = new Set([...entries.map(([, e]) => e.id), ...RETIRED_PATCH_IDS]);
    const unknown = [...fixtures.keys()].flatMap((n) =>
      markerIds(n)
        .filter((id) => !known.has(id))
        .map((id) => `${n}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });
});
