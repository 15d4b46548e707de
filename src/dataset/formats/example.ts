import type { JsonObject, LineFindings } from '../json.js';
import type { ChatMessage } from '../messages.js';

/** What the statistics and token counts need from one checked example. */
export interface ExampleView {
  /** Every message, in order, as the token count sees it (DPO: input, then both outputs). */
  messages: ChatMessage[];
  /** Assistant messages that are trained on; their tokens are the "assistant tokens". */
  trained: ChatMessage[];
  /** The line's `tools` / `functions`, counted as JSON text. */
  tools: unknown[];
  images: number;
  /** Legacy prompt/completion text instead of messages. */
  completion?: { prompt: string; completion: string };
}

/** Cross-line memory a checker may need (e.g. the reference keys of the first RFT example). */
export interface CheckerState {
  firstReference?: { line: number; keys: string[] };
}

export type ExampleChecker = (
  line: JsonObject,
  lineNumber: number,
  state: CheckerState,
  out: LineFindings,
) => ExampleView | undefined;

/** Warns about top-level keys a closed format does not define. */
export function warnUnknownKeys(
  line: JsonObject,
  known: readonly string[],
  formatName: string,
  out: LineFindings,
): void {
  for (const key of Object.keys(line)) {
    if (!known.includes(key))
      out.warnings.push(
        `key ${JSON.stringify(key)} is not part of the ${formatName} format and may make the service reject the file; remove it`,
      );
  }
}

export function toolList(line: JsonObject): unknown[] {
  const tools: unknown[] = [];
  if (Array.isArray(line.tools)) tools.push(...(line.tools as unknown[]));
  if (Array.isArray(line.functions)) tools.push(...(line.functions as unknown[]));
  return tools;
}
