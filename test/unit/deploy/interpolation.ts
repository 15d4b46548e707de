// Compose-style variable interpolation, enough for our compose file: ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?message}, ${VAR?message}, $VAR and the $$ escape.

export type Operator = '' | ':-' | '-' | ':?' | '?';

export interface VarRef {
  name: string;
  operator: Operator;
  /** The default value or the error message, depending on the operator. */
  argument: string;
}

const REFERENCE =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export type Env = Readonly<Record<string, string | undefined>>;

export class MissingRequiredVariable extends Error {
  override name = 'MissingRequiredVariable';
}

function* references(text: string): Generator<{ match: string; ref?: VarRef }> {
  for (const m of text.matchAll(REFERENCE)) {
    if (m[0] === '$$') {
      yield { match: m[0] };
      continue;
    }
    const name = m[1] ?? m[4] ?? '';
    yield {
      match: m[0],
      ref: { name, operator: (m[2] ?? '') as Operator, argument: m[3] ?? '' },
    };
  }
}

/** Every variable a string refers to. */
export function variableReferences(text: string): VarRef[] {
  return [...references(text)].flatMap((r) => (r.ref ? [r.ref] : []));
}

/** The reference when the whole string is exactly one `${...}` (or `$VAR`), else undefined. */
export function soleReference(text: string): VarRef | undefined {
  const all = [...references(text)];
  const only = all[0];
  return all.length === 1 && only?.ref && only.match === text ? only.ref : undefined;
}

function resolve(ref: VarRef, env: Env, required: 'throw' | 'placeholder'): string {
  const value = env[ref.name];
  switch (ref.operator) {
    case ':-':
      return value ? value : ref.argument;
    case '-':
      return value ?? ref.argument;
    case ':?':
    case '?':
      if (ref.operator === ':?' ? value : value !== undefined) return value ?? '';
      if (required === 'throw') throw new MissingRequiredVariable(`${ref.name}: ${ref.argument}`);
      return `<required:${ref.name}>`;
    default:
      return value ?? '';
  }
}

/**
 * Substitutes variables the way compose does. A missing required variable throws, or with
 * `required: 'placeholder'` becomes `<required:NAME>` so structure can still be checked.
 */
export function interpolate(
  text: string,
  env: Env,
  required: 'throw' | 'placeholder' = 'throw',
): string {
  return text.replace(
    REFERENCE,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const ref: VarRef = {
        name: braced ?? bare ?? '',
        operator: (op ?? '') as Operator,
        argument: arg ?? '',
      };
      return resolve(ref, env, required);
    },
  );
}
