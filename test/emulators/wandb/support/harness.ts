import { createHash } from 'node:crypto';
import {
  startWandbEmulator,
  type RunningWandbEmulator,
  type WandbEmulatorOptions,
} from '../../../../src/emulators/wandb/index.js';

export const API_KEY = `local-${'a1'.repeat(20)}`;

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`api:${key}`).toString('base64')}`;
}

export interface UpsertResult {
  bucket: { id: string; historyLineCount: number };
  inserted: boolean;
}

/** GraphQL connections as the emulator returns them. */
export interface Edges<N> {
  edges: { node: N }[];
}

export interface GqlResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string }[];
}

/** A started emulator plus plain-fetch helpers that speak the wire protocol as W&B clients do. */
export class Harness {
  constructor(readonly emu: RunningWandbEmulator) {}

  static async start(options: WandbEmulatorOptions = {}): Promise<Harness> {
    return new Harness(await startWandbEmulator({ apiKeys: [API_KEY], ...options }));
  }

  async gql<T = unknown>(
    query: string,
    variables: Record<string, unknown> = {},
    key: string = API_KEY,
  ): Promise<GqlResponse<T>> {
    const res = await fetch(`${this.emu.url}/graphql`, {
      method: 'POST',
      headers: { authorization: basicAuth(key), 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResponse<T>;
  }

  /** Like gql, but fails the test on GraphQL errors. */
  async ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.gql<T>(query, variables);
    if (res.errors?.length || !res.data)
      throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  stream(
    entity: string,
    project: string,
    run: string,
    body: unknown,
    key = API_KEY,
  ): Promise<Response> {
    return fetch(`${this.emu.url}/files/${entity}/${project}/${run}/file_stream`, {
      method: 'POST',
      headers: { authorization: basicAuth(key), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async upsertRun(
    entity: string,
    project: string,
    name: string,
    extra: Record<string, unknown> = {},
  ) {
    const data = await this.ok<{ upsertBucket: UpsertResult }>(
      `mutation UpsertBucket($input: UpsertBucketInput!) {
        upsertBucket(input: $input) { bucket { id name historyLineCount project { name entity { name } } } inserted }
      }`,
      { input: { name, modelName: project, entityName: entity, ...extra } },
    );
    return data.upsertBucket;
  }

  close(): Promise<void> {
    return this.emu.close();
  }
}

export function md5b64(text: string | Uint8Array): string {
  return createHash('md5').update(text).digest('base64');
}

/** MANIFEST_MD5 for ASCII paths (our own small rendering of the rule, independent of the emulator). */
export function manifestDigest(files: Record<string, string>): string {
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n');
  for (const path of Object.keys(files).sort())
    hash.update(`${path}:${md5b64(files[path] as string)}\n`);
  return hash.digest('hex');
}
