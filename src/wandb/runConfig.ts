import { parseExtendedJson } from './json.js';

// W&B stores run config as {"key": {"value": v}} (older clients also wrote "desc": null). These
// helpers convert between that wire form and the plain object our callers work with.

export type WireConfig = Record<string, { value: unknown; desc?: unknown }>;

export function toWireConfig(config: Record<string, unknown>): WireConfig {
  const wire: WireConfig = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== undefined) wire[key] = { value };
  }
  return wire;
}

/** Unwraps `value` where present; plain values are accepted too (the public API does the same). */
export function fromWireConfig(wire: unknown): Record<string, unknown> {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) return {};
  const plain: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(wire as Record<string, unknown>)) {
    plain[key] =
      typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'value' in entry
        ? entry.value
        : entry;
  }
  return plain;
}

/** Parse a JSONString field (config, summaryMetrics) that may be null, empty or extended JSON. */
export function parseJsonString(text: string | null | undefined): Record<string, unknown> {
  if (text === null || text === undefined || text.trim() === '') return {};
  const parsed = parseExtendedJson(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

/**
 * config.yaml as the SDK uploads it: the same {key: {value}} map. JSON is valid YAML (1.2, and
 * PyYAML reads this subset), so we write pretty JSON rather than pull in a YAML emitter.
 */
export function renderConfigYaml(config: Record<string, unknown>): string {
  return `${JSON.stringify(toWireConfig(config), null, 2)}\n`;
}
