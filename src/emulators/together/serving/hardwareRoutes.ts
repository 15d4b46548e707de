import type { FastifyInstance } from 'fastify';
import { HARDWARE, type Hardware } from '../catalog.js';
import { isoNow } from '../clock.js';
import type { TogetherContext } from '../context.js';
import { notFound } from '../errors.js';
import { servableByName } from './servable.js';

/** When the hardware table was last updated: fixed, so answers are stable. */
const UPDATED_AT = isoNow(Date.parse('2026-11-01T00:00:00Z'));

/** Spec `HardwareWithStatus` (v1: price per minute). */
function v1Hardware(h: Hardware, withAvailability: boolean): Record<string, unknown> {
  return {
    object: 'hardware',
    id: h.id,
    pricing: { cents_per_minute: Math.round((h.centsPerHour / 60) * 100) / 100 },
    specs: {
      gpu_type: h.gpuType,
      gpu_link: h.gpuLink,
      gpu_memory: h.gpuMemoryGib,
      gpu_count: h.gpuCount,
    },
    ...(withAvailability ? { availability: { status: h.availability } } : {}),
    updated_at: UPDATED_AT,
  };
}

/** SDK `InferenceInstanceType` (v2: price per hour per replica). */
function v2InstanceType(h: Hardware): Record<string, unknown> {
  const headroom = h.availability === 'available' ? 8 : 0;
  return {
    id: h.id,
    name: `${h.gpuCount}x ${h.gpuType.toUpperCase()}`,
    description: `${h.gpuCount} × ${h.gpuType} (${h.gpuMemoryGib} GiB each), ${h.gpuLink}`,
    gpuType: h.gpuType.split('-')[0]!.toUpperCase(),
    gpuCount: h.gpuCount,
    gpuMemoryGib: h.gpuMemoryGib,
    priceCentsPerHour: h.centsPerHour,
    regions: [
      {
        name: 'us-central-1',
        headroom: { relation: headroom > 0 ? 'RELATION_GTE' : 'RELATION_EQ', value: headroom },
      },
    ],
  };
}

export function registerHardwareRoutes(app: FastifyInstance, ctx: TogetherContext): void {
  // With `model`: only hardware that can host it, with availability; a model no hardware can
  // host (or an unknown one) is a 404 (docs deployment: "the base cannot host a fine-tune").
  app.get<{ Querystring: { model?: string } }>('/v1/hardware', (req) => {
    const model = req.query.model;
    if (!model) return { object: 'list', data: HARDWARE.map((h) => v1Hardware(h, false)) };
    const servable = servableByName(ctx, model);
    if (!servable || servable.base.hardware.length === 0) {
      throw notFound(`No hardware can host model ${model}`, 'model');
    }
    return {
      object: 'list',
      data: HARDWARE.filter((h) => servable.base.hardware.includes(h.id)).map((h) =>
        v1Hardware(h, true),
      ),
    };
  });

  // The whole catalogue in one page (`next_cursor` is always absent today, SDK).
  app.get('/v2/public/inference-instance-types', () => ({
    object: 'list',
    data: HARDWARE.map(v2InstanceType),
  }));

  app.get<{ Params: { id: string } }>('/v2/public/inference-instance-types/:id', (req) => {
    const h = HARDWARE.find((x) => x.id === req.params.id);
    if (!h) throw notFound(`Instance type ${req.params.id} not found`, 'id');
    return v2InstanceType(h);
  });
}
