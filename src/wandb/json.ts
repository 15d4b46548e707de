import { WandbInputError } from './errors.js';

// W&B's history and summary lines use "extended JSON": non-finite numbers are written as the bare
// tokens NaN, Infinity and -Infinity (wandb-core's simplejsonext), where JSON.stringify would
// silently write null and lose the value.

/** Serialise one value as an extended-JSON line. Throws WandbInputError for non-JSON values. */
export function encodeExtendedJson(value: unknown): string {
  return encode(value, '');
}

function encode(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (value === Infinity) return 'Infinity';
      if (value === -Infinity) return '-Infinity';
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      throw new WandbInputError(
        `Cannot log a ${typeof value} at "${path || '(root)'}": W&B values must be JSON (numbers, strings, booleans, null, arrays, objects).`,
      );
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => (v === undefined ? 'null' : encode(v, `${path}[${i}]`))).join(',')}]`;
  }
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${encode(v, path ? `${path}.${key}` : key)}`);
  }
  return `{${parts.join(',')}}`;
}

/** Parse extended JSON (as found in summaryMetrics) back, turning the bare tokens into numbers. */
export function parseExtendedJson(text: string): unknown {
  const MARK = '\u0000wandb-nonfinite:';
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      // copy a whole string literal, escapes included
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(MARK + token);
      i += token.length;
      continue;
    }
    out += ch;
    i++;
  }
  return JSON.parse(out, (_key, v: unknown) =>
    typeof v === 'string' && v.startsWith(MARK) ? Number(v.slice(MARK.length)) : v,
  );
}
