import { describeType } from '../json.js';
import { warnUnknownKeys, type ExampleChecker } from './example.js';

/** Legacy `{prompt, completion}` lines, only for babbage-002 and davinci-002. */
export const checkCompletionExample: ExampleChecker = (line, _lineNumber, _state, out) => {
  warnUnknownKeys(line, ['prompt', 'completion'], 'prompt/completion', out);
  const { prompt, completion } = line;
  if (typeof prompt !== 'string')
    out.errors.push(`"prompt" is ${describeType(prompt)}; use a string`);
  if (typeof completion !== 'string')
    out.errors.push(`"completion" is ${describeType(completion)}; use a string`);
  if (typeof prompt !== 'string' || typeof completion !== 'string') return undefined;
  return { messages: [], trained: [], tools: [], images: 0, completion: { prompt, completion } };
};
