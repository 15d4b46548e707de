/**
 * Features the emulator advertises in `serverInfo.features`. They decide which code paths the
 * official client takes, so only features whose GraphQL shape we implement are on.
 */
export const ENABLED_FEATURES = [
  'CLIENT_IDS',
  'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION',
  'PROJECT_ARTIFACT_COLLECTION_MEMBERSHIP',
  'ARTIFACT_MEMBERSHIP_IN_LINK_ARTIFACT_RESPONSE',
  'TOTAL_COUNT_IN_FILE_CONNECTION',
  'ARTIFACT_COLLECTION_MEMBERSHIP_FILES',
  'MARK_RUN_FILES_UPLOADED',
];

/** Known but not emulated (gzip file stream, structured console logs, registries, xxhash…). */
export const DISABLED_FEATURES = [
  'LARGE_FILENAMES',
  'ARTIFACT_TAGS',
  'ARTIFACT_REGISTRY_SEARCH',
  'STRUCTURED_CONSOLE_LOGS',
  'ARTIFACT_COLLECTION_MEMBERSHIP_FILE_DOWNLOAD_HANDLER',
  'ARTIFACT_V2_DOWNLOAD_HANDLER_SUPPORTS_ARTIFACT_ID',
  'FILESTREAM_GZIP',
  'ARTIFACT_DIGEST_ALGORITHM',
];
