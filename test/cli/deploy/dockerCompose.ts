// Runs a real `docker-compose config` when the binary is installed (Debian's docker-compose
// 1.29.2 validates offline: no engine is contacted by `config`).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ROOT } from '../../unit/deploy/projectFacts.js';

export function findDockerCompose(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'docker-compose');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * `docker-compose -f <file> config -q` with deploy/.env.example as the env file and only the
 * variables given (plus PATH/HOME), so a developer's own .env or shell cannot change the result.
 */
export function dockerComposeConfig(
  binary: string,
  composeFile: string,
  vars: Record<string, string>,
): { status: number | null; stderr: string } {
  const run = spawnSync(
    binary,
    [
      '--project-directory',
      ROOT,
      '--env-file',
      join(ROOT, 'deploy/.env.example'),
      '-f',
      composeFile,
      'config',
      '-q',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // Nothing may depend on a Docker engine: point at one that does not exist.
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
        ...vars,
      },
    },
  );
  return { status: run.status, stderr: run.stderr };
}
