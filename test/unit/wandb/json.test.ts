import { describe, expect, it } from 'vitest';
import { encodeExtendedJson, parseExtendedJson } from '../../../src/wandb/json.js';
import { WandbInputError } from '../../../src/wandb/errors.js';
import { fromWireConfig, renderConfigYaml, toWireConfig } from '../../../src/wandb/runConfig.js';
import { parse as parseYaml } from 'yaml';

describe('extended JSON lines', () => {
  it('writes non-finite numbers as bare tokens and drops undefined keys', () => {
    const line = encodeExtendedJson({
      loss: NaN,
      up: Infinity,
      down: -Infinity,
      ok: 1.5,
      gone: undefined,
      s: 'NaN',
    });
    expect(line).toBe('{"loss":NaN,"up":Infinity,"down":-Infinity,"ok":1.5,"s":"NaN"}');
  });

  it('reads them back, leaving look-alike strings alone', () => {
    const value = parseExtendedJson(
      '{"a":NaN,"b":[Infinity,-Infinity],"c":"Infinity \\" NaN","d":{"e":1}}',
    ) as Record<string, unknown>;
    expect(value.a).toBeNaN();
    expect(value.b).toEqual([Infinity, -Infinity]);
    expect(value.c).toBe('Infinity " NaN');
    expect(value.d).toEqual({ e: 1 });
  });

  it('round-trips nested values', () => {
    const value = { x: [1, null, { y: 'z', n: NaN }], t: true };
    const back = parseExtendedJson(encodeExtendedJson(value)) as typeof value;
    expect(back.x[2]).toMatchObject({ y: 'z' });
    expect((back.x[2] as { n: number }).n).toBeNaN();
  });

  it('refuses values that are not JSON, naming where they are', () => {
    expect(() => encodeExtendedJson({ a: { f: () => 1 } })).toThrow(WandbInputError);
    expect(() => encodeExtendedJson({ a: { f: () => 1 } })).toThrow(/"a\.f"/);
  });
});

describe('run config wire form', () => {
  it('wraps values as {value} and unwraps both wrapped and plain entries', () => {
    expect(toWireConfig({ model: 'gpt-4o-mini', n: 3, skip: undefined })).toEqual({
      model: { value: 'gpt-4o-mini' },
      n: { value: 3 },
    });
    expect(fromWireConfig({ a: { value: 1, desc: null }, b: 2, c: { other: 1 } })).toEqual({
      a: 1,
      b: 2,
      c: { other: 1 },
    });
  });

  it('renders config.yaml that a YAML parser reads as the wire map', () => {
    const config = {
      model: 'gpt-4o-mini',
      hyperparameters: { n_epochs: 3 },
      note: 'line1\nline2: x',
    };
    expect(parseYaml(renderConfigYaml(config))).toEqual(toWireConfig(config));
  });
});
