import {
  GraphQLError,
  execute,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
} from 'graphql';
import { childLogger } from '../../../logging.js';
import { UserInputError } from '../store/runs.js';
import { mutationRoot } from './mutations.js';
import { queryRoot } from './query.js';
import { emulatorSchema as schema } from './schema.js';
import type { GqlContext } from './views/context.js';

const log = childLogger('wandb-emulator');
const rootValue = { ...queryRoot, ...mutationRoot };

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlOutcome {
  operationName: string;
  result: ExecutionResult;
}

function operationNameOf(body: GraphqlRequestBody, document: DocumentNode | undefined): string {
  if (typeof body.operationName === 'string' && body.operationName) return body.operationName;
  const op = document ? getOperationAST(document) : null;
  return op?.name?.value ?? 'anonymous';
}

/** Parses, validates and runs one GraphQL request against the emulator's schema. */
export async function runGraphql(
  body: GraphqlRequestBody,
  ctx: GqlContext,
): Promise<GraphqlOutcome> {
  if (typeof body.query !== 'string') {
    return {
      operationName: 'invalid',
      result: { errors: [new GraphQLError('the body needs a "query" string')] },
    };
  }
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (err) {
    return {
      operationName: operationNameOf(body, undefined),
      result: { errors: [err as GraphQLError] },
    };
  }
  const operationName = operationNameOf(body, document);
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    log.info(
      { operationName, errors: invalid.map((e) => e.message) },
      'GraphQL request does not fit the emulated schema',
    );
    return { operationName, result: { errors: invalid } };
  }
  const variables =
    body.variables && typeof body.variables === 'object'
      ? (body.variables as Record<string, unknown>)
      : {};
  const result = await execute({
    schema,
    document,
    rootValue,
    contextValue: ctx,
    variableValues: variables,
    ...(typeof body.operationName === 'string' && body.operationName
      ? { operationName: body.operationName }
      : {}),
  });
  for (const error of result.errors ?? []) {
    if (!(error.originalError instanceof UserInputError)) {
      log.warn(
        { operationName, error: error.message, stack: error.originalError?.stack },
        'GraphQL resolver failed',
      );
    }
  }
  return { operationName, result };
}
