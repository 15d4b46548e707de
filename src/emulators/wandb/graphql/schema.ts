import { buildSchema, type GraphQLSchema } from 'graphql';
import { artifactSdl } from './sdlArtifacts.js';
import { coreSdl } from './sdlCore.js';

/** The emulated W&B schema (resolvers come from the root value, see execute.ts). */
export const emulatorSchema: GraphQLSchema = buildSchema(coreSdl + artifactSdl);
