import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Typed search attribute keys: what the Temporal UI can filter pipelines by.
// They must exist on the server before use; see src/temporal/searchAttributes.ts.
export const FineTuneStage = defineSearchAttributeKey('FineTuneStage', SearchAttributeType.KEYWORD);
export const FineTuneJobId = defineSearchAttributeKey('FineTuneJobId', SearchAttributeType.KEYWORD);
export const FineTuneBaseModel = defineSearchAttributeKey(
  'FineTuneBaseModel',
  SearchAttributeType.KEYWORD,
);
export const FineTuneDatasetDigest = defineSearchAttributeKey(
  'FineTuneDatasetDigest',
  SearchAttributeType.KEYWORD,
);
/** The `ft:` model id the job produced, once it has one. */
export const FineTunedModel = defineSearchAttributeKey(
  'FineTunedModel',
  SearchAttributeType.KEYWORD,
);
/** Who approved (or rejected) promoting the fine-tuned model. */
export const FineTuneApprovedBy = defineSearchAttributeKey(
  'FineTuneApprovedBy',
  SearchAttributeType.KEYWORD,
);

export const ALL_SEARCH_ATTRIBUTES = [
  FineTuneStage,
  FineTuneJobId,
  FineTuneBaseModel,
  FineTuneDatasetDigest,
  FineTunedModel,
  FineTuneApprovedBy,
] as const;
