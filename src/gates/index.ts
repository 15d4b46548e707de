// The pure parts of the promotion gates, safe to import from workflow code: nothing imported
// from here may use Node built-ins. The file reader, profileDatasetFile, is in profileFile.ts.
export {
  binIndex,
  binLabels,
  ProfileBuilder,
  TOKEN_BIN_EDGES,
  TURN_BIN_EDGES,
  type ProfileExample,
} from './profile.js';
export {
  compareProfiles,
  DEFAULT_DRIFT_THRESHOLDS,
  describeExamples,
  describeRoles,
  describeSystemShare,
  describeTokens,
  describeTurns,
  estimateMedianFromBins,
  jensenShannon,
  percent,
  psi,
  PSI_EPSILON,
  relativeChange,
  resolveDriftThresholds,
  type DriftFeatureName,
  type DriftThresholds,
} from './drift.js';
export {
  aggregateScores,
  compileRegex,
  gradeContains,
  gradeExact,
  gradeRegex,
  InvalidRegexError,
  MAX_REGEX_INPUT,
  MAX_REGEX_LENGTH,
  normalizeAnswer,
  type AggregatedScores,
  type DeterministicGrader,
  type ScoreRow,
} from './grading.js';
export {
  describeChange,
  combineGates,
  DEFAULT_MIN_DELTA_VS_BASE,
  DEFAULT_MIN_DELTA_VS_PRODUCTION,
  describeGates,
  driftVerdict,
  evalVerdict,
  GATE_LABELS,
  groupDigits,
  piiVerdict,
  policyVerdict,
  tokenLimitVerdict,
  type CombinedGates,
  type TokenLimitMeasurement,
} from './verdict.js';
export {
  chatCostUsd,
  INFERENCE_PRICE_SOURCE,
  inferencePrice,
  parseModelId,
  type InferencePrice,
  type ParsedModelId,
} from './cost.js';
export {
  firstRanks,
  meanScores,
  scoreQuery,
  type MeanScores,
  type QueryScores,
} from './retrieval.js';
export {
  corpusChangeVerdict,
  DEFAULT_CORPUS_THRESHOLDS,
  kbPiiVerdict,
  retrievalVerdict,
} from './kbVerdict.js';
