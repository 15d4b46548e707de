import { artifactEditMutations } from './mutationsArtifactEdits.js';
import { artifactMutations } from './mutationsArtifacts.js';
import { runMutations } from './mutationsRuns.js';

export const mutationRoot = { ...runMutations, ...artifactMutations, ...artifactEditMutations };
