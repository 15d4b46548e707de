import { describeType, isRecord, quote, type JsonObject, type LineFindings } from './json.js';

const TOOL_CALL_EXAMPLE =
  '{"id": "call_1", "type": "function", "function": {"name": "...", "arguments": "{...}"}}';

/** Checks an assistant message's `tool_calls`; records their ids for the tool replies. */
export function checkToolCalls(
  value: unknown,
  named: string,
  toolCallIds: Set<string>,
  out: LineFindings,
): void {
  if (!Array.isArray(value) || value.length === 0) {
    out.errors.push(
      `${named} has "tool_calls" that is not a non-empty list; use [${TOOL_CALL_EXAMPLE}]`,
    );
    return;
  }
  value.forEach((call, i) => {
    const where = `tool call ${i + 1} of ${named}`;
    const fn = isRecord(call) ? call.function : undefined;
    if (
      !isRecord(call) ||
      typeof call.id !== 'string' ||
      call.type !== 'function' ||
      !isRecord(fn) ||
      typeof fn.name !== 'string' ||
      typeof fn.arguments !== 'string'
    ) {
      out.errors.push(
        `${where} is malformed; use ${TOOL_CALL_EXAMPLE} (arguments as a JSON string)`,
      );
      return;
    }
    toolCallIds.add(call.id);
    if (!isJson(fn.arguments))
      out.warnings.push(`${where} (${fn.name}) has arguments that are not valid JSON`);
  });
}

/** Checks the line-level `tools`, `functions` and `parallel_tool_calls`; returns known names. */
export function checkToolDefinitions(line: JsonObject, out: LineFindings): Set<string> {
  const names = new Set<string>();
  if (line.tools !== undefined) {
    if (!Array.isArray(line.tools)) {
      out.errors.push(
        `"tools" is ${describeType(line.tools)}; it must be a list of tool definitions`,
      );
    } else {
      line.tools.forEach((tool, i) => {
        const fn = isRecord(tool) ? tool.function : undefined;
        if (
          !isRecord(tool) ||
          tool.type !== 'function' ||
          !isRecord(fn) ||
          typeof fn.name !== 'string'
        ) {
          out.errors.push(
            `tool ${i + 1} in "tools" is malformed; use {"type": "function", "function": {"name": "...", "parameters": {...}}}`,
          );
          return;
        }
        names.add(fn.name);
        if (fn.parameters !== undefined && !isRecord(fn.parameters))
          out.errors.push(
            `tool ${quote(fn.name)} has "parameters" that is not a JSON Schema object`,
          );
      });
    }
  }
  if (line.functions !== undefined) {
    if (!Array.isArray(line.functions)) {
      out.errors.push(`"functions" is ${describeType(line.functions)}; it must be a list`);
    } else {
      for (const fn of line.functions)
        if (isRecord(fn) && typeof fn.name === 'string') names.add(fn.name);
    }
  }
  if (line.parallel_tool_calls !== undefined && typeof line.parallel_tool_calls !== 'boolean')
    out.errors.push(
      `"parallel_tool_calls" is ${describeType(line.parallel_tool_calls)}; use true or false`,
    );
  return names;
}

/** Names of the functions the messages call (tool_calls and legacy function_call). */
export function calledFunctionNames(messages: readonly JsonObject[]): string[] {
  const names: string[] = [];
  for (const m of messages) {
    if (Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls) {
        const fn = isRecord(call) ? call.function : undefined;
        if (isRecord(fn) && typeof fn.name === 'string') names.push(fn.name);
      }
    }
    if (isRecord(m.function_call) && typeof m.function_call.name === 'string')
      names.push(m.function_call.name);
  }
  return names;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
