import type { DatasetFormat } from '../types.js';
import { checkChatExample } from './chat.js';
import { checkCompletionExample } from './completion.js';
import { checkDpoExample } from './dpo.js';
import type { ExampleChecker } from './example.js';
import { checkReinforcementExample } from './reinforcement.js';

export type { CheckerState, ExampleChecker, ExampleView } from './example.js';
export * from './detect.js';

export const CHECKERS: Record<Exclude<DatasetFormat, 'unknown'>, ExampleChecker> = {
  chat: checkChatExample,
  completion: checkCompletionExample,
  dpo: checkDpoExample,
  reinforcement: checkReinforcementExample,
};
