import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  ALL_SEARCH_ATTRIBUTES,
  FineTuneApprovedBy,
  FineTunedModel,
} from '../../src/shared/searchAttributes.js';
import {
  devServerSearchAttributeArgs,
  ensureSearchAttributes,
} from '../../src/temporal/searchAttributes.js';
import { eventually } from './support/harness.js';

const KEYWORD = 2; // IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
const NAMES = ALL_SEARCH_ATTRIBUTES.map((k) => k.name);

describe('search attributes on the dev server', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(() => connection?.close());

  const customOf = async (namespace: string) =>
    (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};

  /** A namespace of our own on the shared server: no custom search attributes yet. */
  const freshNamespace = async () => {
    const namespace = `sa-it-${randomUUID()}`;
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    await eventually('the new namespace', () => customOf(namespace).catch(() => undefined));
    return namespace;
  };

  it('the dev server starts with every key, FineTunedModel and FineTuneApprovedBy too', async () => {
    expect(devServerSearchAttributeArgs()).toEqual(
      expect.arrayContaining(['FineTunedModel=Keyword', 'FineTuneApprovedBy=Keyword']),
    );
    const custom = await customOf('default');
    for (const name of NAMES) expect(custom[name]).toBe(KEYWORD);
    expect(await ensureSearchAttributes(connection, 'default')).toEqual([]);
  });

  it('ensureSearchAttributes twice on a fresh namespace: each key listed exactly once', async () => {
    const namespace = await freshNamespace();
    expect(Object.keys(await customOf(namespace))).toEqual([]);

    expect(await ensureSearchAttributes(connection, namespace)).toEqual(NAMES);
    expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);

    const custom = await customOf(namespace);
    expect(Object.keys(custom).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) expect(custom[name]).toBe(KEYWORD);
    expect(custom[FineTunedModel.name]).toBe(KEYWORD);
    expect(custom[FineTuneApprovedBy.name]).toBe(KEYWORD);
  });

  it('two workers racing on a fresh namespace both succeed, each key added once', async () => {
    const namespace = await freshNamespace();
    await Promise.all([
      ensureSearchAttributes(connection, namespace),
      ensureSearchAttributes(connection, namespace),
    ]);
    expect(Object.keys(await customOf(namespace)).sort()).toEqual([...NAMES].sort());
    expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);
  });
});

/** An operator service holding search attributes in memory, recording the adds. */
function fakeServer(initial: Record<string, number>, failFirstAdd = false) {
  const custom = { ...initial };
  const adds: Record<string, number>[] = [];
  let fail = failFirstAdd;
  return {
    adds,
    connection: {
      operatorService: {
        listSearchAttributes: () =>
          Promise.resolve({ customAttributes: { ...custom }, systemAttributes: { WorkflowId: 2 } }),
        addSearchAttributes: (req: { searchAttributes: Record<string, number> }) => {
          adds.push(req.searchAttributes);
          Object.assign(custom, req.searchAttributes);
          if (fail) {
            fail = false;
            return Promise.reject(new Error('ALREADY_EXISTS: added by someone else'));
          }
          return Promise.resolve({});
        },
      },
    } as unknown as Parameters<typeof ensureSearchAttributes>[0],
  };
}

describe('ensureSearchAttributes (no server)', () => {
  it('lists first and adds only the missing keys', async () => {
    const server = fakeServer({ FineTuneStage: KEYWORD, SomeoneElses: 1 });
    const added = await ensureSearchAttributes(server.connection, 'ns');
    expect(added).toEqual(NAMES.filter((n) => n !== 'FineTuneStage'));
    expect(server.adds).toEqual([Object.fromEntries(added.map((n) => [n, KEYWORD]))]);
    expect(await ensureSearchAttributes(server.connection, 'ns')).toEqual([]);
    expect(server.adds).toHaveLength(1);
  });

  it('an add that lost a race is fine once the keys are there', async () => {
    const server = fakeServer({}, true);
    expect(await ensureSearchAttributes(server.connection, 'ns')).toEqual([]);
  });

  it('refuses a key that exists with another type', async () => {
    const server = fakeServer({ FineTunedModel: 1 });
    await expect(ensureSearchAttributes(server.connection, 'ns')).rejects.toThrow(
      /FineTunedModel \(server: INDEXED_VALUE_TYPE_TEXT, code: KEYWORD\)/,
    );
    expect(server.adds).toEqual([]);
  });
});
