import type { BlobStore } from '../openai/blobStore.js';
import type { ChatKnowledge } from '../openai/chatKnowledge.js';
import type { Random } from '../openai/random.js';
import type { Timers } from '../openai/timers.js';
import type { ServingMeter } from './billing.js';
import type { Catalog } from './catalog.js';
import type { EmulatorClock } from './clock.js';
import type { TogetherIds } from './ids.js';
import type {
  ResolvedDurations,
  TogetherEmulatorOptions,
  TogetherFaultOptions,
} from './options.js';
import type {
  DeploymentRecord,
  FileRecord,
  JobRecord,
  V1EndpointRecord,
  V2EndpointRecord,
} from './records.js';

/** Settings a test may change while the emulator runs. */
export interface LiveSettings {
  faults: TogetherFaultOptions | undefined;
  spendingLimitReached: boolean;
  creditLimitDollars: number;
}

/** Who the API key belongs to (`GET /v1/whoami`); the slug names v2 inference models. */
export interface Identity {
  apiKeyId: string;
  organizationId: string;
  organizationName: string;
  projectId: string;
  projectName: string;
  projectSlug: string;
  userId: string;
  /** `owner_address` on jobs (a wallet-style hex address in observed answers). */
  ownerAddress: string;
  /** The namespace of output model names and v1 endpoint names. */
  namespace: string;
}

export interface TogetherRequestStats {
  /** Requests by route, e.g. "POST /v1/fine-tunes". */
  requests: Record<string, number>;
  /** Chat completions answered (200), by the model the request named. */
  chatCompletions: Record<string, number>;
  jobsCreated: number;
  filesCreated: number;
  endpointsCreated: number;
  deploymentsCreated: number;
}

/** Everything the routes, the job lifecycle and the serving state share. */
export interface TogetherContext {
  readonly apiKey: string | undefined;
  readonly clock: EmulatorClock;
  readonly durations: ResolvedDurations;
  readonly steps: number;
  readonly catalog: Catalog;
  readonly identity: Identity;
  readonly settings: LiveSettings;
  readonly dedupeUploadsByChecksum: boolean;
  readonly failTraining: TogetherEmulatorOptions['failTraining'];
  readonly chatDegradation: TogetherEmulatorOptions['chatDegradation'];
  readonly serving: Required<Omit<NonNullable<TogetherEmulatorOptions['serving']>, 'failStart'>> & {
    failStart: NonNullable<TogetherEmulatorOptions['serving']>['failStart'];
  };
  readonly ids: TogetherIds;
  readonly faultRandom: Random;
  readonly timers: Timers;
  readonly blobs: BlobStore;
  readonly knowledge: ChatKnowledge;
  readonly meter: ServingMeter;
  readonly stats: TogetherRequestStats;
  readonly files: Map<string, FileRecord>;
  readonly jobs: Map<string, JobRecord>;
  readonly v1Endpoints: Map<string, V1EndpointRecord>;
  readonly v2Endpoints: Map<string, V2EndpointRecord>;
  readonly deployments: Map<string, DeploymentRecord>;
  /** Where the server listens (presigned upload URLs point here). */
  readonly url: () => string;
  nextSeq(): number;
}
