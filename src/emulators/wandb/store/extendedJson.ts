/**
 * wandb-core writes history and summary lines with bare `NaN`, `Infinity` and `-Infinity`
 * tokens, which JSON.parse rejects. We swap them (outside strings) for sentinel strings and
 * restore the numbers in a reviver.
 */
const SENTINELS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const BY_TOKEN: Record<string, string> = {
  NaN: '"\\u0000NaN"',
  Infinity: '"\\u0000Infinity"',
  '-Infinity': '"\\u0000-Infinity"',
};

export function parseExtendedJson(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const token = ['-Infinity', 'Infinity', 'NaN'].find((t) => text.startsWith(t, i));
    if (token) {
      out += BY_TOKEN[token];
      i += token.length - 1;
      continue;
    }
    out += ch;
  }
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith('\u0000')
      ? (SENTINELS[value.slice(1)] ?? value)
      : value,
  );
}

/** Parses a line that must hold a JSON object; anything else yields undefined. */
export function parseObjectLine(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = parseExtendedJson(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
