import type { Reporter, TestModule } from 'vitest/node';

// Prints each tier's time after a run (npm test runs every tier at once, sharing the workers):
// "wall" is from the tier's first file starting to its last file ending, "files" the sum of its
// files' own durations. The slowest tier is where to look when the suite grows past its budget.

interface Tier {
  firstStart: number;
  lastEnd: number;
  files: number;
  tests: number;
  failed: number;
  fileMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export default class TierTimes implements Reporter {
  private runStart = Date.now();
  private readonly tiers = new Map<string, Tier>();

  onTestRunStart(): void {
    this.runStart = Date.now();
  }

  onTestModuleStart(module: TestModule): void {
    const tier = this.tier(module.project.name);
    tier.firstStart = Math.min(tier.firstStart, Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    const tier = this.tier(module.project.name);
    tier.lastEnd = Math.max(tier.lastEnd, Date.now());
    tier.files++;
    tier.fileMs += module.diagnostic().duration;
    for (const test of module.children.allTests()) {
      tier.tests++;
      if (test.result().state === 'failed') tier.failed++;
    }
  }

  onTestRunEnd(): void {
    if (this.tiers.size === 0) return;
    const rows = [...this.tiers].sort(([, a], [, b]) => a.firstStart - b.firstStart);
    const width = Math.max(...rows.map(([name]) => name.length));
    const lines = rows.map(([name, t]) =>
      [
        name.padEnd(width),
        `wall ${seconds(t.lastEnd - t.firstStart).padStart(8)}`,
        `files ${seconds(t.fileMs).padStart(8)}`,
        `${String(t.files).padStart(3)} files`,
        `${String(t.tests).padStart(4)} tests`,
        t.failed ? `${t.failed} failed` : '',
      ].join('  '),
    );
    process.stdout.write(
      `\nTime by tier (${seconds(Date.now() - this.runStart)} in all, ${process.env.FINETUNE_TEST_WORKERS ?? 4} workers):\n  ${lines.join('\n  ')}\n`,
    );
  }

  private tier(name: string): Tier {
    let tier = this.tiers.get(name);
    if (!tier) {
      tier = { firstStart: Infinity, lastEnd: 0, files: 0, tests: 0, failed: 0, fileMs: 0 };
      this.tiers.set(name, tier);
    }
    return tier;
  }
}
