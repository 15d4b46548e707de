import type { DatasetIssue } from './types.js';

/** Counts every issue but keeps only the first `cap`, so a broken 1 GB file stays a small report. */
export class IssueList {
  readonly kept: DatasetIssue[] = [];
  count = 0;

  constructor(private readonly cap: number) {}

  add(line: number, message: string): void {
    this.count++;
    if (this.kept.length < this.cap) this.kept.push({ line, message });
  }
}
