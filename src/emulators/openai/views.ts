import type {
  CheckpointRecord,
  EventRecord,
  FileRecord,
  JobRecord,
  UploadPartRecord,
  UploadRecord,
} from './records.js';

/** The JSON the API returns for each record, with fields in the order the real service uses. */

export function fileView(f: FileRecord) {
  return {
    object: 'file',
    id: f.id,
    purpose: f.purpose,
    filename: f.filename,
    bytes: f.bytes,
    created_at: f.createdAt,
    // Observed: null when the file never expires (the spec types it as an integer).
    expires_at: f.expiresAt,
    status: f.status,
    status_details: f.statusDetails,
  };
}

/** An upload, with the file it became (already in the flavour's file view) once completed. */
export function uploadView(u: UploadRecord, file: object | null) {
  return {
    object: 'upload',
    id: u.id,
    purpose: u.purpose,
    filename: u.filename,
    bytes: u.bytes,
    created_at: u.createdAt,
    expires_at: u.expiresAt,
    status: u.status,
    file,
  };
}

export function partView(p: UploadPartRecord) {
  return { object: 'upload.part', id: p.id, created_at: p.createdAt, upload_id: p.uploadId };
}

const COMMON_HYPERPARAMETERS = ['batch_size', 'learning_rate_multiplier', 'n_epochs'] as const;

export function jobView(j: JobRecord, organizationId: string) {
  const common = Object.fromEntries(
    COMMON_HYPERPARAMETERS.map((k) => [k, j.hyperparameters[k] ?? 'auto']),
  );
  return {
    object: 'fine_tuning.job',
    id: j.id,
    model: j.model,
    created_at: j.createdAt,
    finished_at: j.finishedAt,
    fine_tuned_model: j.fineTunedModel,
    organization_id: organizationId,
    result_files: [...j.resultFiles],
    status: j.status,
    validation_file: j.validationFile,
    training_file: j.trainingFile,
    hyperparameters: common,
    trained_tokens: j.trainedTokens,
    // Observed: a healthy job carries `error: {}`, not null; only a failed job has a code.
    error: j.error ? { ...j.error } : {},
    user_provided_suffix: j.suffix,
    seed: j.seed,
    estimated_finish: j.estimatedFinish,
    integrations: j.integrations ?? [],
    metadata: j.metadata,
    usage_metrics: null,
    shared_with_openai: false,
    method: {
      type: j.methodType,
      [j.methodType]: { ...j.methodExtras, hyperparameters: { ...j.hyperparameters } },
    },
  };
}

export function eventView(e: EventRecord) {
  return {
    object: 'fine_tuning.job.event',
    id: e.id,
    created_at: e.createdAt,
    level: e.level,
    message: e.message,
    data: e.data,
    type: e.type,
  };
}

export function checkpointView(c: CheckpointRecord, jobId: string) {
  return {
    object: 'fine_tuning.job.checkpoint',
    id: c.id,
    created_at: c.createdAt,
    fine_tuned_model_checkpoint: c.model,
    fine_tuning_job_id: jobId,
    metrics: { ...c.metrics },
    step_number: c.step,
  };
}
