import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loaded, report } from '../support/signedLineage.js';
import { runCli } from './support/runCli.js';

// The signed-approval flags as processes, with no Temporal server: `lineage --verify --from` checks
// a saved lineage with nothing contacted (and exits 1 on tampering); the decide flags that cannot
// go together are refused before anything connects. Against a real server:
// test/integration/cli.signedApprovals.test.ts.

// Nothing listens here: a command that tried to reach Temporal would fail with "Cannot connect".
const NO_SERVER = { TEMPORAL_ADDRESS: '127.0.0.1:1', FINETUNE_APPROVAL_POLICY: '' };
const VERSION = 'team/proj/model-metadata:v3';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-signed-cli-'));
  await writeFile(join(dir, 'policy.json'), JSON.stringify(policyFile()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The policy file as a person writes it (maxValidity as text), for --policy. */
function policyFile() {
  const { signers, promote } = loaded.policy;
  return { version: 1, signers, promote, maxValidity: '24h' };
}
const cli = (args: string[]) => runCli(args, { env: NO_SERVER });
const save = async (name: string, body: unknown) => {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(body));
  return file;
};

describe('finetune lineage --verify --from (offline)', () => {
  it('a saved, faithful lineage verifies: exit 0, each signer named', async () => {
    const file = await save('good.json', { wandb: report() });
    const r = await cli([
      'lineage',
      VERSION,
      '--verify',
      '--from',
      file,
      '--policy',
      join(dir, 'policy.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^verified {2}team\/proj\/model-metadata:v3: every signature/m);
    expect(r.stdout).toMatch(/ok {2}approve by alice \(ml-lead, SHA256:/);
    expect(r.stdout).toMatch(/ok {2}approve by bob \(security, SHA256:/);
    expect(r.stdout).not.toMatch(/warning/);
  });

  it('a tampered one fails loudly: exit 1, each problem on stdout, one line on stderr', async () => {
    const tampered = report();
    tampered.datasets[0]!.digest = 'bb22';
    tampered.gates = [];
    const file = await save('tampered.json', { wandb: tampered });
    const r = await cli(['lineage', VERSION, '--verify', '--from', file, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { verification: { ok: boolean; problems: string[] } };
    expect(out.verification.ok).toBe(false);
    expect(out.verification.problems).toEqual([
      expect.stringMatching(/dataset training .*signed digest aa11, its metadata says bb22/),
      expect.stringMatching(/gate results: the version's differ from those signed/),
    ]);
    expect(r.stderr).toMatch(/^error: VERIFICATION FAILED for .*: 2 problems/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a saved lineage of another version, or --from without --verify, is refused', async () => {
    const file = await save('other.json', { wandb: report() });
    const other = await cli(['lineage', 'model-metadata:v9', '--verify', '--from', file]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /is the lineage of team\/proj\/model-metadata:v3, not model-metadata:v9/,
    );
    const noVerify = await cli(['lineage', VERSION, '--from', file]);
    expect(noVerify.code).toBe(1);
    expect(noVerify.stderr).toMatch(/--policy and --from go with --verify/);
  });
});

describe('finetune approve|reject signing flags', () => {
  it('refuses what cannot go together before connecting anywhere', async () => {
    const cases: [string[], RegExp][] = [
      [['approve', 'wf-1'], /say who decides: --by <name>, or sign it: --sign <key>/],
      [['reject', 'wf-1', '--print-payload'], /--print-payload needs the signer: --by/],
      [
        ['approve', 'wf-1', '--sign', 'k', '--signature', 'x.json.sig'],
        /--sign, --print-payload and --signature go one at a time/,
      ],
      [
        ['approve', 'wf-1', '--signature', 'x.json.sig', '--role', 'security'],
        /--comment and --role are part of what is signed/,
      ],
      [
        ['approve', 'wf-1', '--by', 'a', '--valid-for-minutes', 'soon'],
        /argument 'soon' is invalid/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).not.toMatch(/Cannot connect|\n\s+at /);
    }
  });
});
