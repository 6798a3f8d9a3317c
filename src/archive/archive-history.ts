import { mkdirSync, rmSync } from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { join } from 'node:path';
import type { Clock } from '../clock/index.ts';
import { type CommandContext, type EventStore, eventMetadata, type RecordedEvent, readPages, VersionConflictError } from '../events/index.ts';
import { OPERATION_STREAM_PREFIX, TABLE_EVENT_TYPES } from '../refresh/index.ts';
import { WORKFLOW_STREAM_PREFIX } from '../workflows/index.ts';
import { writeArchive } from './archive-file.ts';
import { archiveCatalog } from './catalog.ts';
import { ARCHIVE_STREAM, HISTORY_ARCHIVED, HISTORY_ARCHIVED_SCHEMA_VERSION, type HistoryArchivedData, inRanges, toRanges } from './history-archived.ts';
import { type Retention, retentionRecord } from './retention.ts';
import { selectArchivable } from './select.ts';

/** Never removed, whatever a selection names: the store refuses a call naming one (defence in depth). */
export const KEPT_TYPES: readonly string[] = ['WorkflowCreated', 'WorkflowSuspended', 'WorkflowResumed', 'WorkflowScheduleModified', 'WorkflowDeleted', HISTORY_ARCHIVED, ...TABLE_EVENT_TYPES];

export const archiveDir = (dataDir: string): string => join(dataDir, 'archive');

export interface ArchiveOptions {
  store: EventStore;
  dataDir: string;
  clock: Clock;
  retention: Retention;
  /** Who archives and why: recorded in the HistoryArchived event's metadata. */
  context: CommandContext;
  /** The log in an operator's words (the header's log name). */
  logName: string;
}

export interface ArchiveResult {
  /** Undefined when nothing was old enough: no file, no event. */
  record?: HistoryArchivedData;
  /** Events removed from the log (this run's and any an interrupted run left). */
  removed: number;
  /** Milliseconds spent reading and choosing, writing the file, and removing. */
  timings: { selectMs: number; writeMs: number; removeMs: number };
}

/**
 * One archive run: reads the log's workflow and operation streams, chooses what retention lets go (select.ts),
 * writes it to a gzip'd NDJSON file in <data-dir>/archive, appends a HistoryArchived event naming the file, the
 * positions and the counts (expected version: two runs at once conflict, the second gives up and deletes its file),
 * and only then removes the events from the log. A crash before the append leaves a file no event names (verify
 * reports it, nothing is lost); after it, the next run finishes the removal.
 */
export async function archiveHistory(o: ArchiveOptions): Promise<ArchiveResult> {
  const t0 = performance.now();
  const now = o.clock.now();
  const catalog = await archiveCatalog(o.store);
  const earlier = catalog.records.map((r) => r.data.ranges);
  const gone = (e: RecordedEvent): boolean => earlier.some((ranges) => inRanges(ranges, e.position));
  const streams = new Map<string, RecordedEvent[]>();
  const leftovers: number[] = [];
  // Small pages and a turn of the event loop after each: the SQLite store reads synchronously, so a scan of a week
  // of history in one go would hold a serving freshet's timers for seconds.
  for await (const page of readPages(o.store, { filter: { streamPrefix: [WORKFLOW_STREAM_PREFIX, OPERATION_STREAM_PREFIX] }, pageSize: 2_000 })) {
    await setImmediate();
    for (const e of page) {
      if (gone(e)) leftovers.push(e.position);
      const list = streams.get(e.streamName);
      if (list) list.push(e);
      else streams.set(e.streamName, [e]);
    }
  }
  const selection = await selectArchivable(streams, o.retention, now, gone);
  streams.clear();
  const selectMs = performance.now() - t0;
  let record: HistoryArchivedData | undefined;
  let writeMs = 0;
  if (selection.events.length > 0) {
    const t1 = performance.now();
    const dir = archiveDir(o.dataDir);
    mkdirSync(dir, { recursive: true });
    const first = (await o.store.readAll({ maxCount: 1 }))[0];
    const { events } = selection;
    const cutoff = o.retention.defaultMs === null ? null : new Date(now - o.retention.defaultMs).toISOString();
    const name = `history-${events[0]!.position}-${events[events.length - 1]!.position}-${new Date(now).toISOString().replace(/[:.]/g, '')}.ndjson.gz`;
    const written = await writeArchive(dir, name, events, { log: { name: o.logName, firstEvent: first ? `${first.id} recorded at ${first.recordedAt}` : null }, cutoff, createdAt: new Date(now).toISOString() });
    record = {
      ...written,
      events: events.length,
      ranges: toRanges(events.map((e) => e.position)),
      fromPosition: events[0]!.position,
      toPosition: events[events.length - 1]!.position,
      cutoff,
      retention: retentionRecord(o.retention),
      workflows: selection.workflows,
      operationStreams: selection.operationStreams,
      archivedAt: now,
    };
    try {
      await o.store.appendToStream(ARCHIVE_STREAM, [{ type: HISTORY_ARCHIVED, schemaVersion: HISTORY_ARCHIVED_SCHEMA_VERSION, data: record, metadata: eventMetadata(o.context, now) }], { expectedVersion: catalog.version });
    } catch (error) {
      rmSync(join(dir, name), { force: true });
      if (error instanceof VersionConflictError) throw new ArchiveConflictError();
      throw error;
    }
    writeMs = performance.now() - t1;
  }
  const t2 = performance.now();
  const positions = [...leftovers, ...selection.events.map((e) => e.position)];
  const newest = selection.events.reduce((max, e) => Math.max(max, Date.parse(e.recordedAt)), 0);
  // Every named event was recorded before `now` by the selection's own test; the store checks it again.
  const { removed } = positions.length === 0 ? { removed: 0 } : await o.store.removeEvents(positions, { recordedBefore: new Date(Math.max(newest + 1, now)).toISOString(), keepTypes: KEPT_TYPES });
  return { ...(record ? { record } : {}), removed, timings: { selectMs, writeMs, removeMs: performance.now() - t2 } };
}

export class ArchiveConflictError extends Error {
  override name = 'ArchiveConflictError';
  constructor() {
    super('Another archive run appended to the log at the same time; this one removed nothing and deleted its file. Run it again.');
  }
}
