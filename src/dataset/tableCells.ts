import { contentText } from './contentParts.js';
import { isRecord, type JsonObject } from './json.js';

export type TableCell = string | number | null;

/** Data URLs longer than this are shortened in table cells (a base64 image can be megabytes). */
const DATA_URL_KEEP = 64;

export function shortenDataUrl(url: string): string {
  if (!url.startsWith('data:') || url.length <= DATA_URL_KEEP) return url;
  return `${url.slice(0, DATA_URL_KEEP)}…[${url.length - DATA_URL_KEEP} more characters]`;
}

/** Real JSON (not Python repr), with embedded base64 images shortened; null for absent values. */
export function jsonCell(value: unknown): TableCell {
  if (value === undefined) return null;
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? shortenDataUrl(v) : v,
  );
}

/** Message text, with images written as `[image: url]`. */
export function textCell(content: unknown): TableCell {
  if (content === undefined || content === null) return null;
  return contentText(content, (url) => `[image: ${shortenDataUrl(url)}]`);
}

/** The assistant's answer: its text, and its tool calls as JSON when it makes any. */
export function assistantCell(message: JsonObject | undefined): TableCell {
  if (!message) return null;
  const text = contentText(message.content);
  const calls = message.tool_calls ?? message.function_call;
  if (calls === undefined || calls === null) return text;
  const json = JSON.stringify(calls);
  return text ? `${text}\n${json}` : json;
}

export function messagesOf(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Leading system/developer messages' text, or null when there are none. */
export function leadingSystemText(messages: JsonObject[]): { text: TableCell; count: number } {
  let count = 0;
  while (count < messages.length && ['system', 'developer'].includes(String(messages[count]?.role)))
    count++;
  if (count === 0) return { text: null, count };
  return {
    text: messages
      .slice(0, count)
      .map((m) => textCell(m.content) ?? '')
      .join('\n\n'),
    count,
  };
}
