import { spawnSync } from 'node:child_process';
import { chownSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { postgresBinary } from './locator.js';

// PostgreSQL refuses to run as root. When we are root (containers, CI), initdb and the server run
// as an unprivileged account instead: `nobody` unless FINETUNE_POSTGRES_RUN_AS names another.
// Node's spawn({uid, gid}) switches to it and drops root's supplementary groups.

export const POSTGRES_RUN_AS_ENV = 'FINETUNE_POSTGRES_RUN_AS';

export interface Account {
  user: string;
  uid: number;
  gid: number;
}

function idOf(user: string, flag: '-u' | '-g'): number | undefined {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && Number.isInteger(n) ? n : undefined;
}

/** The account PostgreSQL runs as: undefined when we are not root (it runs as us). */
export function postgresAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = process.env[POSTGRES_RUN_AS_ENV] || 'nobody';
  const uid = idOf(user, '-u');
  const gid = idOf(user, '-g');
  if (uid === undefined || gid === undefined || uid === 0) {
    throw new Error(
      `PostgreSQL refuses to run as root, and ${user} is no unprivileged account here. Set ${POSTGRES_RUN_AS_ENV} to one (or run as a non-root user).`,
    );
  }
  return { user, uid, gid };
}

/** Fails with the fix when the account cannot run the binaries (a parent directory it cannot enter). */
export function checkAccountCanRun(binDir: string, account: Account): void {
  const r = spawnSync(postgresBinary(binDir), ['--version'], {
    uid: account.uid,
    gid: account.gid,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(
      `PostgreSQL runs as ${account.user} (it refuses root), and ${account.user} cannot run ${postgresBinary(binDir)}: ${(r.stderr || r.error?.message || '').trim()}. Make every directory above it readable and searchable by others, or set ${POSTGRES_RUN_AS_ENV} to an account that can.`,
    );
  }
}

/** Fails with the fix when the account cannot enter `dir` (where the data directory goes). */
export function checkAccountCanEnter(dir: string, account: Account): void {
  const r = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], {
    uid: account.uid,
    gid: account.gid,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    throw new Error(
      `PostgreSQL runs as ${account.user} (it refuses root), and ${account.user} cannot enter ${dir}, where its data directory goes. Make ${dir} and the directories above it searchable by others (chmod o+x), put the data directory elsewhere, or set ${POSTGRES_RUN_AS_ENV} to an account that can.`,
    );
  }
}

/** Hands a directory (and everything in it) to the account. */
export function giveTo(dir: string, account: Account): void {
  chownSync(dir, account.uid, account.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) giveTo(path, account);
    else chownSync(path, account.uid, account.gid);
  }
}
