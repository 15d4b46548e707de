import { createInterface } from 'node:readline';
import type { BlobStore } from './blobStore.js';
import { lessonOf } from './chatLessons.js';
import type { JobRecord } from './records.js';

/** Normalised prompt → reference reply. */
export type Lessons = ReadonlyMap<string, string>;

/** What a job's lessons are read from (any emulator's job record will do). */
export type LessonSource = Pick<JobRecord, 'id' | 'trainingFile' | 'validationFile'>;

/** Bounds the memory one huge training file can take; the emulator is for small data. */
const MAX_LESSONS_PER_JOB = 100_000;

/**
 * What the emulated models "know": the replies in each job's training and validation files.
 * A job's files are read while it validates (they surely exist then): the product may delete
 * them once training is done, and its model must still know its lessons.
 */
export class ChatKnowledge {
  private readonly byJob = new Map<string, Promise<Lessons>>();
  /** The lessons read to the end, for a snapshot. */
  private readonly settled = new Map<string, Lessons>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly findFile: (id: string) => unknown,
  ) {}

  /** Starts reading the job's files, once. */
  learn(job: LessonSource): void {
    if (this.byJob.has(job.id)) return;
    const files = [job.trainingFile, job.validationFile].filter((f): f is string => f !== null);
    const reading = this.read(files);
    this.byJob.set(job.id, reading);
    void reading.then((lessons) => this.settled.set(job.id, lessons));
  }

  /** What the models have learned (lessons still being read are read again after a restore). */
  snapshot(): Map<string, Lessons> {
    return this.settled;
  }

  /** Before any job learns: the snapshot's lessons, in the order they were learned. */
  restore(saved: ReadonlyMap<string, Lessons>): void {
    for (const [jobId, lessons] of saved) {
      this.settled.set(jobId, lessons);
      this.byJob.set(jobId, Promise.resolve(lessons));
    }
  }

  /** The job's own lessons (read now if its files were never read). */
  lessonsOf(job: LessonSource): Promise<Lessons> {
    this.learn(job);
    return this.byJob.get(job.id)!;
  }

  /** The reply any job's files give for the prompt (the oldest job first), the world's knowledge. */
  async recall(prompt: string): Promise<string | undefined> {
    for (const lessons of this.byJob.values()) {
      const reply = (await lessons).get(prompt);
      if (reply !== undefined) return reply;
    }
    return undefined;
  }

  private async read(fileIds: string[]): Promise<Lessons> {
    const lessons = new Map<string, string>();
    for (const id of fileIds) {
      if (!this.findFile(id)) continue;
      // A file deleted under us teaches what was read of it.
      await this.readInto(id, lessons).catch(() => undefined);
    }
    return lessons;
  }

  private async readInto(fileId: string, lessons: Map<string, string>): Promise<void> {
    const source = this.blobs.read(fileId);
    const lines = createInterface({ input: source, crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        if (lessons.size >= MAX_LESSONS_PER_JOB) return;
        if (text.trim() === '') continue;
        let parsed: unknown;
        try {
          // A byte-order mark (Azure asks for one) is no part of the first example.
          parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
        } catch {
          continue;
        }
        const lesson = lessonOf(parsed);
        // The first example of a prompt wins: a fixed choice keeps the answers stable.
        if (lesson && !lessons.has(lesson.prompt)) lessons.set(lesson.prompt, lesson.reply);
      }
    } finally {
      lines.close();
      source.destroy();
    }
  }
}
