import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { FineTuneStage } from '../shared/searchAttributes.js';
import { quoteQueryValue } from './list.js';

/** The knowledge base's workflow type (src/workflows/knowledgeBasePipeline.ts). */
const KB_WORKFLOW = 'knowledgeBasePipeline';

/** One ingest as visibility sees it (seconds behind at most). */
export interface KbIngestListing {
  workflowId: string;
  runId: string;
  /** The knowledge base, read from the default workflow id `kb-<kb>-<uuid>`; null for a custom id. */
  kb: string | null;
  stage: string | null;
  /** Temporal's status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  status: string;
  /** ISO 8601 UTC. */
  startedAt: string;
  closedAt: string | null;
}

export interface ListKbIngestsOptions {
  /** Only this knowledge base's ingests (started with the default workflow id). */
  kb?: string;
  /** FineTuneStage equals this (e.g. awaiting_approval). */
  stage?: string;
  /** At most this many, newest first; default: every match. */
  limit?: number;
}

const DEFAULT_ID = /^kb-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The visibility query `finetune kb list` runs (paste it into the Temporal UI to see the same). */
export function kbIngestListQuery(options: ListKbIngestsOptions = {}): string {
  const clauses = [`WorkflowType = ${quoteQueryValue(KB_WORKFLOW)}`];
  if (options.kb !== undefined) {
    clauses.push(`WorkflowId STARTS_WITH ${quoteQueryValue(`kb-${options.kb}-`)}`);
  }
  if (options.stage !== undefined) {
    clauses.push(`${FineTuneStage.name} = ${quoteQueryValue(options.stage)}`);
  }
  return clauses.join(' AND ');
}

function toListing(w: WorkflowExecutionInfo): KbIngestListing {
  return {
    workflowId: w.workflowId,
    runId: w.runId,
    kb: DEFAULT_ID.exec(w.workflowId)?.[1] ?? null,
    stage: w.typedSearchAttributes.get(FineTuneStage) ?? null,
    status: w.status.name,
    startedAt: w.startTime.toISOString(),
    closedAt: w.closeTime?.toISOString() ?? null,
  };
}

/**
 * `finetune kb list`: knowledge-base ingests, newest start first (read whole and sorted here:
 * visibility has no portable ORDER BY). `kb` matches by the id prefix, so a knowledge base named
 * `a` does not list `a-b`'s ingests.
 */
export async function listKnowledgeBaseIngests(
  client: Client,
  options: ListKbIngestsOptions = {},
): Promise<KbIngestListing[]> {
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`limit must be a whole number of 1 or more, got ${limit}`);
  }
  const listings: KbIngestListing[] = [];
  for await (const w of client.workflow.list({ query: kbIngestListQuery(options) })) {
    const listing = toListing(w);
    if (options.kb !== undefined && listing.kb !== options.kb) continue;
    listings.push(listing);
  }
  listings.sort(
    (a, b) => b.startedAt.localeCompare(a.startedAt) || a.workflowId.localeCompare(b.workflowId),
  );
  return limit === undefined ? listings : listings.slice(0, limit);
}
