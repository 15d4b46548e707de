import { randomUUID } from 'node:crypto';
import { HEX, IdFactory } from '../ids.js';

/**
 * Azure's id shapes (facts §2.1, §3.3): `file-`, `ftjob-`, `ftchkpt-` and 32 hex digits. Events
 * (`ftevent-` + 32 hex) and webhook endpoints (`we_` + 32 hex) follow the pattern by guess.
 */
export class AzureIdFactory extends IdFactory {
  override file = (): string => `file-${this.pick(HEX, 32)}`;
  override job = (): string => `ftjob-${this.pick(HEX, 32)}`;
  override event = (): string => `ftevent-${this.pick(HEX, 32)}`;
  override checkpoint = (): string => `ftchkpt-${this.pick(HEX, 32)}`;
  webhookEndpoint = (): string => `we_${this.pick(HEX, 32)}`;
  /** `whsec_` and 32 random bytes in base64, like the secrets OpenAI hands out. */
  signingSecret = (): string => {
    const bytes = Buffer.from(Array.from({ length: 32 }, () => Math.floor(this.random() * 256)));
    return `whsec_${bytes.toString('base64')}`;
  };
}

/** `apim-request-id` values are GUIDs; never part of a seeded run. */
export const azureRequestId = (): string => randomUUID();
