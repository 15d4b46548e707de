// Facts about the project the deploy files must agree with, read from the code (cheap imports
// only; the CLI commands live in projectExpectations.ts).
import { fileURLToPath } from 'node:url';
import { SearchAttributeType } from '@temporalio/common';
import { ALL_SEARCH_ATTRIBUTES } from '../../../src/shared/searchAttributes.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The SDK's search attribute types, spelled the way the `temporal` CLI takes them. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export const CODE_SEARCH_ATTRIBUTES = ALL_SEARCH_ATTRIBUTES.map((k) => ({
  name: k.name,
  type: CLI_TYPE[k.type],
}));
