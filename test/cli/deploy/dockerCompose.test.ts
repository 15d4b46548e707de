// docker-compose itself, when a binary is on PATH: it accepts docker-compose.yml with
// deploy/.env.example and refuses broken copies (the structural rules are in test/unit/deploy/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkComposeFile } from '../../unit/deploy/composeChecks.js';
import { loadCompose } from '../../unit/deploy/composeModel.js';
import { mutations, writeMutated } from '../../unit/deploy/composeMutations.js';
import { projectExpectations } from '../../unit/deploy/projectExpectations.js';
import { ROOT } from '../../unit/deploy/projectFacts.js';
import { dockerComposeConfig, findDockerCompose } from './dockerCompose.js';

const COMPOSE = join(ROOT, 'docker-compose.yml');
const expectations = projectExpectations();
const model = loadCompose(COMPOSE);
const tmp = mkdtempSync(join(tmpdir(), 'compose-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const dockerCompose = findDockerCompose();
describe('docker-compose config', () => {
  if (dockerCompose) {
    it('docker-compose config -q accepts docker-compose.yml with deploy/.env.example', () => {
      const run = dockerComposeConfig(dockerCompose, COMPOSE, { POSTGRES_PASSWORD: 'test-only' });
      expect(run.stderr.replace(/^.*version.*obsolete.*$/gm, '').trim(), run.stderr).toBe('');
      expect(run.status).toBe(0);
    });

    it('docker-compose config rejects a copy with an invalid depends_on condition', () => {
      const broken = mutations.find((m) => m.name.includes('invalid depends_on condition'));
      const path = writeMutated(
        tmp,
        'compose-invalid-condition',
        broken?.mutate ?? (() => undefined),
      );
      const run = dockerComposeConfig(dockerCompose, path, { POSTGRES_PASSWORD: 'test-only' });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/service_ready/);
    });

    it('docker-compose refuses to run without POSTGRES_PASSWORD and names the variable', () => {
      const run = dockerComposeConfig(dockerCompose, COMPOSE, {});
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/set POSTGRES_PASSWORD in \.env/);
    });
  } else {
    it('docker-compose config NOT RUN (no docker-compose on PATH): the structural checks stand in', () => {
      expect(model.problems).toEqual([]);
      expect(model.services.map((s) => s.name)).toEqual(
        expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'worker', 'webhook']),
      );
      expect(checkComposeFile(COMPOSE, expectations)).toEqual([]);
    });
  }
});
