import type { BlobStore } from './blobStore.js';
import type { ChatKnowledge } from './chatKnowledge.js';
import type { Flavor } from './flavor.js';
import type { IdFactory } from './ids.js';
import type {
  FaultOptions,
  OpenAIEmulatorOptions,
  ResolvedDurations,
  WebhookTarget,
} from './options.js';
import type { EmbeddingLog } from './embeddingLog.js';
import type { Random } from './random.js';
import type { FileRecord, JobRecord, UploadRecord } from './records.js';
import type { EmulatorStats } from './stats.js';
import type { Timers } from './timers.js';

/** Settings that can change while the emulator runs. */
export interface LiveSettings {
  trainingNotAvailable: boolean;
  faults: FaultOptions | undefined;
  webhook: WebhookTarget | undefined;
}

/** Everything the routes and the job lifecycle share. */
export interface EmulatorContext {
  /** OpenAI or Azure: paths, auth, error shapes, views and naming rules. */
  readonly flavor: Flavor;
  readonly apiKey: string | undefined;
  readonly durations: ResolvedDurations;
  readonly steps: number;
  readonly resultsBase64: boolean;
  readonly failTraining: OpenAIEmulatorOptions['failTraining'];
  readonly loseResultsFile: OpenAIEmulatorOptions['loseResultsFile'];
  readonly overrunEstimateMs: OpenAIEmulatorOptions['overrunEstimateMs'];
  readonly chatDegradation: OpenAIEmulatorOptions['chatDegradation'];
  /** Answer embeddings with `data` reversed (indexes kept), to prove clients join on `index`. */
  readonly embeddingsOutOfOrder: boolean;
  /** Each embeddings request's input digests, and the holds a test armed. */
  readonly embeddingLog: EmbeddingLog;
  readonly settings: LiveSettings;
  readonly organizationId: string;
  /** The org segment of fine-tuned model names (`personal` for a personal account). */
  readonly organizationSlug: string;
  readonly ids: IdFactory;
  readonly faultRandom: Random;
  readonly webhookRandom: Random;
  readonly blobs: BlobStore;
  readonly timers: Timers;
  readonly stats: EmulatorStats;
  readonly files: Map<string, FileRecord>;
  readonly uploads: Map<string, UploadRecord>;
  readonly jobs: Map<string, JobRecord>;
  /** What the chat models have learned from each job's files. */
  readonly knowledge: ChatKnowledge;
  /** A creation counter that orders records made within the same second. */
  nextSeq(): number;
}
