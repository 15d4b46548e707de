// A reader turns one file into documents. Each format is one reader (index.ts lists them); a new
// format is a new file here and a line there.

export interface SourceDocument {
  /** Stable across runs: the path under its source folder, or a JSONL line's own id. */
  id: string;
  /** The file it came from, as given (for the approver and the artifact). */
  source: string;
  /** The reader that read it. */
  format: string;
  title?: string;
  /** The text as the reader found it; normalised by the caller. */
  text: string;
}

/** A line or file that could not become a document, and why. */
export interface ReadProblem {
  path: string;
  reason: string;
}

export interface DocumentReader {
  format: string;
  /** Lower-case file extensions with the dot, e.g. `.md`. */
  extensions: readonly string[];
  /**
   * The documents of one file. `id` is the file's document id (its path under the source); a
   * reader of many documents per file (JSONL) makes its own from the lines.
   */
  read(
    path: string,
    id: string,
    onProblem: (p: ReadProblem) => void,
  ): AsyncIterable<SourceDocument>;
}
