// npm's `prepare`: builds dist/ for `npm install` / `npm ci` in a checkout and for `npm pack`.
// `npx finetune` in a checkout first links the project into npm's exec cache, and npm runs
// `prepare` for that link too: a full `tsc` build (13 s here) before the command's first word,
// for a build a checkout never runs (bin/finetune.js runs src/ through tsx). So not under npx.
import { spawnSync } from 'node:child_process';
import process from 'node:process';

if (process.env.npm_command !== 'exec') {
  const build = spawnSync('npm', ['run', 'build'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  process.exitCode = build.status ?? 1;
}
