import type { RunwayReport } from '../../shared/providerTypes.js';
import { daysUntil, servingWarning, splitSnapshot } from '../runwayDates.js';
import type { ArmModel } from './arm.js';

const day = (iso: string | undefined): string | null => (iso ? iso.slice(0, 10) : null);

/**
 * From the region's models list: `deprecation.fineTune` ends training, `deprecation.inference`
 * ends serving. A model the list does not offer for fine-tuning is refused before any upload.
 */
export function azureRunway(model: string, models: ArmModel[] | null, nowMs: number): RunwayReport {
  const base: RunwayReport = {
    provider: 'azure',
    model,
    trainableUntil: null,
    servingUntil: null,
    ok: true,
  };
  if (models === null) {
    return {
      ...base,
      warning:
        'runway unknown: set AZURE_LOCATION (and the management-plane settings) so the worker can read the models list',
    };
  }
  const { name, version } = splitSnapshot(model);
  const entry = models.find(
    (m) => m.model?.name === name && (version === null || m.model?.version === version),
  );
  if (!entry?.model) {
    return {
      ...base,
      ok: false,
      problem: `Azure OpenAI in this region does not offer ${model} (model ${name}${version ? `, version ${version}` : ''}). Pick a base model from the region's list (e.g. gpt-4.1-mini-2025-04-14).`,
    };
  }
  const trainableUntil = day(entry.model.deprecation?.fineTune);
  const servingUntil = day(entry.model.deprecation?.inference);
  const report: RunwayReport = { ...base, trainableUntil, servingUntil };
  if (entry.model.capabilities && entry.model.capabilities.fineTune === 'false') {
    report.ok = false;
    report.problem = `Azure does not fine-tune ${model} in this region (capabilities.fineTune is false).`;
  } else if (trainableUntil && daysUntil(trainableUntil, nowMs) < 0) {
    report.ok = false;
    report.problem = `Azure stopped fine-tuning ${model} on ${trainableUntil} (deprecation.fineTune). Fine-tunes made before stay deployable until ${servingUntil ?? 'their inference retirement'}; train a newer base model.`;
  }
  const warning = servingWarning(model, servingUntil, nowMs);
  if (warning) report.warning = warning;
  return report;
}
