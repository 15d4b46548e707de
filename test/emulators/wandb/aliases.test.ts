import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from './support/harness.js';
import { logArtifact } from './support/logArtifact.js';

const ADD = `mutation AddAliases($input: AddAliasesInput!) { result: addAliases(input: $input) { success } }`;
const DELETE = `mutation DeleteAliases($input: DeleteAliasesInput!) { result: deleteAliases(input: $input) { success } }`;
const RESOLVE = `query ($name: String!) { project(name: "al", entityName: "sandbox") { artifact(name: $name) { id versionIndex aliases { alias } } } }`;
const LINK = `mutation LinkArtifact($input: LinkArtifactInput!) {
  result: linkArtifact(input: $input) { versionIndex artifactMembership { versionIndex aliases { alias } artifactCollection { __typename name } artifact { id } } }
}`;

interface Resolved {
  project: { artifact: { id: string } | null };
}
interface Linked {
  result: {
    versionIndex: number;
    artifactMembership: {
      artifactCollection: { __typename: string; name: string };
      artifact: { id: string };
    };
  };
}

const alias = (name: string) => ({
  alias: name,
  artifactCollectionName: 'ds',
  entityName: 'sandbox',
  projectName: 'al',
});

describe('W&B emulator aliases and links', () => {
  let h: Harness;
  let v0: string;
  let v1: string;
  beforeAll(async () => {
    h = await Harness.start();
    v0 = (
      await logArtifact(h, {
        entity: 'sandbox',
        project: 'al',
        name: 'ds',
        type: 'dataset',
        files: { f: '0' },
      })
    ).id;
    v1 = (
      await logArtifact(h, {
        entity: 'sandbox',
        project: 'al',
        name: 'ds',
        type: 'dataset',
        files: { f: '1' },
      })
    ).id;
  });
  afterAll(() => h.close());

  const aliasesOf = (index: number) =>
    h.emu.state.artifactVersions('sandbox', 'al', 'ds')[index]?.aliases.sort();

  it('adds an alias, resolves by it, and moves it when added to another version', async () => {
    await h.ok(ADD, { input: { artifactID: v0, aliases: [alias('best')] } });
    expect((await h.ok<Resolved>(RESOLVE, { name: 'ds:best' })).project.artifact?.id).toBe(v0);
    await h.ok(ADD, { input: { artifactID: v1, aliases: [alias('best')] } });
    expect((await h.ok<Resolved>(RESOLVE, { name: 'ds:best' })).project.artifact?.id).toBe(v1);
    expect(aliasesOf(0)).toEqual([]);
    expect(aliasesOf(1)).toEqual(['best', 'latest']);
  });

  it('deletes an alias; the name then resolves to nothing', async () => {
    await h.ok(ADD, { input: { artifactID: v0, aliases: [alias('temp')] } });
    await h.ok(DELETE, { input: { artifactID: v0, aliases: [alias('temp')] } });
    expect(aliasesOf(0)).toEqual([]);
    expect((await h.ok<Resolved>(RESOLVE, { name: 'ds:temp' })).project.artifact).toBeNull();
  });

  it('refuses version-like and malformed aliases', async () => {
    const versionLike = await h.gql(ADD, { input: { artifactID: v0, aliases: [alias('v7')] } });
    expect(versionLike.errors?.[0]?.message).toMatch(/version name/);
    const slash = await h.gql(ADD, { input: { artifactID: v0, aliases: [alias('a/b')] } });
    expect(slash.errors?.[0]?.message).toMatch(/invalid alias/);
  });

  it('resolves vN, latest and a bare name (latest)', async () => {
    expect((await h.ok<Resolved>(RESOLVE, { name: 'ds:v0' })).project.artifact?.id).toBe(v0);
    expect((await h.ok<Resolved>(RESOLVE, { name: 'ds:latest' })).project.artifact?.id).toBe(v1);
    expect((await h.ok<Resolved>(RESOLVE, { name: 'ds' })).project.artifact?.id).toBe(v1);
  });

  it('links versions into a portfolio with its own numbering; relinking is idempotent', async () => {
    const input = (id: string, aliases: string[]) => ({
      artifactID: id,
      artifactPortfolioName: 'registered',
      entityName: 'sandbox',
      projectName: 'model-registry',
      aliases: aliases.map((a) => ({ alias: a, artifactCollectionName: 'registered' })),
    });
    const first = await h.ok<Linked>(LINK, { input: input(v1, ['production']) });
    expect(first.result).toMatchObject({
      versionIndex: 0,
      artifactMembership: {
        artifactCollection: { __typename: 'ArtifactPortfolio', name: 'registered' },
        artifact: { id: v1 },
      },
    });
    const second = await h.ok<Linked>(LINK, { input: input(v0, []) });
    expect(second.result.versionIndex).toBe(1);
    const again = await h.ok<Linked>(LINK, { input: input(v1, []) });
    expect(again.result.versionIndex).toBe(0);
    const resolved = await h.ok<{ project: { artifactCollectionMembership: unknown } }>(
      `{ project(name: "model-registry", entityName: "sandbox") { artifactCollectionMembership(name: "registered:production") { versionIndex artifact { id } } } }`,
    );
    expect(resolved.project.artifactCollectionMembership).toEqual({
      versionIndex: 0,
      artifact: { id: v1 },
    });
  });
});
