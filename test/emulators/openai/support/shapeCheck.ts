import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export type Schema = Record<string, unknown> & {
  properties?: Record<string, unknown>;
  required?: string[];
};

/** Problems of a value against a named component schema (empty when it conforms). */
export type ShapeCheck = (name: string, value: unknown) => string[];

/** Unix seconds, not milliseconds: a plausible date between 2020 and 2100. */
const unixSeconds = (n: number) => Number.isInteger(n) && n > 1_577_836_800 && n < 4_102_444_800;

/** An ajv checker over a `{$defs}` document (as the extract tools write them, allowances applied). */
export function shapeCheck(doc: { $defs: Record<string, Schema> }): ShapeCheck {
  // strictTypes off: the specs often say `required` without `type: object`.
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: unixSeconds });
  // An embedding's numbers (`format: float`): float32 values, so finite.
  ajv.addFormat('float', { type: 'number', validate: Number.isFinite });
  ajv.addSchema(doc, 'shapes');
  return (name, value) => {
    const validate = ajv.getSchema(`shapes#/$defs/${name}`);
    if (!validate) throw new Error(`no schema ${name} in the fixture`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e: ErrorObject) => `${name}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  };
}
