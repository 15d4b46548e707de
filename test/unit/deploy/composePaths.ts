// Ports and volumes in compose's short ("a:b:c") and long (mapping) syntax.
import { resolve } from 'node:path';
import { interpolate, type Env } from './interpolation.js';
import { isRecord, type ServiceModel } from './composeModel.js';

/** Splits on ':' outside `${...}`, so `${DIR:-./x}:/data:ro` has three parts. */
export function splitColons(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    if (c === ':' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

export interface Mount {
  /** Uninterpolated; empty for an anonymous volume. */
  source: string;
  target: string;
  readOnly: boolean;
}

export function splitVolume(v: unknown): Mount | undefined {
  if (typeof v === 'string') {
    const [a = '', b, mode] = splitColons(v);
    if (b === undefined) return { source: '', target: a, readOnly: false };
    return { source: a, target: b, readOnly: mode?.split(',').includes('ro') ?? false };
  }
  if (isRecord(v) && typeof v.target === 'string') {
    return {
      source: typeof v.source === 'string' ? v.source : '',
      target: v.target,
      readOnly: v.read_only === true,
    };
  }
  return undefined;
}

export type PublishedPort =
  { host: string; target: string; protocol: string } | { problem: string };

const scalarText = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';

const PORT = /^\d{1,5}(-\d{1,5})?$/;

function shortPort(text: string): PublishedPort | undefined {
  const [spec = '', protocol = 'tcp'] = text.split('/');
  // An IPv6 host address is bracketed: [::1]:8080:80.
  const ipv6 = /^\[[^\]]*\]:(.*)$/.exec(spec);
  const parts = ipv6 ? (ipv6[1] ?? '').split(':') : spec.split(':');
  if (parts.length === 1) return undefined; // container port only: no fixed host port
  const target = parts[parts.length - 1] ?? '';
  const host = parts[parts.length - 2] ?? '';
  if (!PORT.test(host) || !PORT.test(target)) return { problem: `bad port mapping "${text}"` };
  return { host, target, protocol };
}

/** Fixed host-port mappings of a service, after interpolation with `env` and the defaults. */
export function publishedPorts(s: ServiceModel, env: Env): PublishedPort[] {
  return s.ports.flatMap((p): PublishedPort[] => {
    if (typeof p === 'string' || typeof p === 'number') {
      const parsed = shortPort(interpolate(String(p), env, 'placeholder'));
      return parsed ? [parsed] : [];
    }
    if (isRecord(p) && p.published !== undefined) {
      return [
        {
          host: interpolate(scalarText(p.published), env, 'placeholder'),
          target: scalarText(p.target),
          protocol: typeof p.protocol === 'string' ? p.protocol : 'tcp',
        },
      ];
    }
    return isRecord(p) ? [] : [{ problem: `bad port entry ${JSON.stringify(p)}` }];
  });
}

/** The host path behind a container path, through the service's bind mounts. */
export function hostPathFor(
  s: ServiceModel,
  containerPath: string,
  projectDir: string,
  env: Env = {},
): string | undefined {
  for (const v of s.volumes) {
    const m = splitVolume(v);
    if (!m?.source) continue;
    const target = m.target.replace(/\/$/, '');
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      const source = interpolate(m.source, env, 'placeholder');
      return resolve(projectDir, source, containerPath.slice(target.length + 1));
    }
  }
  return undefined;
}
