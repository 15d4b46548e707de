import { describe, expect, it } from 'vitest';
import {
  collectionsLeftBehind,
  fromOfRole,
  isAlreadyThere,
  removalOf,
  type TrainedOn,
} from '../../../src/activities/wandb/aliasPlan.js';
import type { VersionMove } from '../../../src/shared/governanceTypes.js';

const P = 'acme/ft';
const move = (
  role: VersionMove['role'],
  collection: string,
  v: string,
  replaced: string | null = null,
): VersionMove => ({
  role,
  collection,
  ref: `${P}/${collection}:${v}`,
  id: `${collection}-${v}`,
  replaced: replaced && `${P}/${collection}:${replaced}`,
  replacedId: replaced && `${collection}-${replaced}`,
});
const trained = (role: TrainedOn['role'], collection: string, v: string): TrainedOn => ({
  role,
  collection,
  ref: `${P}/${collection}:${v}`,
});

describe('which dataset versions an alias move touches', () => {
  // Production was trained on walk-train.jsonl; the incoming model on train.jsonl.
  const incoming = [
    move('model', 'model-metadata', 'v0', 'v1'),
    move('training', 'train', 'v0'),
    move('validation', 'valid', 'v0', 'v0'),
  ];
  const outgoing = [trained('training', 'walk-train', 'v0'), trained('validation', 'valid', 'v0')];

  it('takes the alias off the outgoing datasets in collections the incoming model has nothing in', () => {
    expect(collectionsLeftBehind(incoming, outgoing)).toEqual([outgoing[0]]);
  });

  it('leaves nothing behind when both were trained in the same collections', () => {
    const same = [trained('training', 'train', 'v3'), trained('validation', 'valid', 'v0')];
    expect(collectionsLeftBehind(incoming, same)).toEqual([]);
    expect(collectionsLeftBehind(incoming, [])).toEqual([]);
  });

  it('lists a collection once even if the outgoing model used it for two roles', () => {
    const twice = [trained('training', 'mixed', 'v0'), trained('validation', 'mixed', 'v0')];
    expect(collectionsLeftBehind(incoming, twice)).toEqual([twice[0]]);
  });

  it('says where each role really was: the outgoing dataset, in whatever collection', () => {
    expect(fromOfRole(incoming[1]!, outgoing)).toBe(`${P}/walk-train:v0`);
    expect(fromOfRole(incoming[2]!, outgoing)).toBe(`${P}/valid:v0`);
  });

  it('falls back to what held the alias in the same collection when nothing was recorded', () => {
    const stale = move('training', 'train', 'v2', 'v0');
    expect(fromOfRole(stale, [])).toBe(`${P}/train:v0`);
    expect(fromOfRole(move('training', 'train', 'v2'), [])).toBeNull();
  });

  it("names what takes a removed version's place: the incoming dataset of its role, else the model", () => {
    const holder = { ref: `${P}/walk-train:v0`, id: 'walk-train-v0' };
    expect(removalOf(outgoing[0]!, holder, incoming)).toEqual({
      role: 'training',
      collection: 'walk-train',
      ref: `${P}/walk-train:v0`,
      id: 'walk-train-v0',
      movedTo: `${P}/train:v0`,
    });
    const modelOnly = [incoming[0]!];
    expect(removalOf(outgoing[0]!, holder, modelOnly).movedTo).toBe(`${P}/model-metadata:v0`);
  });

  it('is "already there" only when every version holds the alias and none loses it', () => {
    const settled = [
      move('model', 'model-metadata', 'v1', 'v1'),
      move('training', 'train', 'v0', 'v0'),
    ];
    expect(isAlreadyThere(settled, [])).toBe(true);
    const removal = removalOf(outgoing[0]!, { ref: `${P}/walk-train:v0`, id: 'w' }, settled);
    expect(isAlreadyThere(settled, [removal])).toBe(false);
    expect(isAlreadyThere(incoming, [])).toBe(false);
  });
});
