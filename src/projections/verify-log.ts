import { type EventStore, type RecordedEvent, StoreCorruptedError } from '../events/index.ts';
import { WORKFLOW_STREAM_PREFIX } from '../workflows/index.ts';
import { UnreadableEventError } from './errors.ts';
import type { ProjectedWorkflow } from './persistence.ts';
import { applyWorkflowEvent } from './workflow-projection.ts';

const PAGE = 2_000;
/** Problems listed per check: the first ones name where to look; the count says how many there are. */
const SHOWN = 10;

/** One thing replay --verify checked: what, whether it held, and in what words (naming file, position, stream). */
export interface LogCheck {
  name: 'checksums' | 'positions' | 'schemas' | 'stream versions' | 'read model' | 'archives';
  outcome: 'ok' | 'failed' | 'not checked';
  detail: string;
  problems: string[];
}

/** What the store guarantees that a reader can rely on, which decides what a check means for it. */
export interface LogTraits {
  /** The file's name in messages. */
  log: string;
  /** SQLite: every read verifies each event's checksum and refuses a gap since the file's format 3 start. */
  checksums: boolean;
  /** 'gapless' (PostgreSQL): positions are 1, 2, 3…; 'legacy-gaps' (SQLite): gaps the store let through predate format 3. */
  positions: 'gapless' | 'legacy-gaps' | 'unnumbered';
  /** Checks the events of other streams (the table manager's) against their schema version; undefined when sound. */
  otherEventProblem?: (e: RecordedEvent) => string | undefined;
}

export interface VerifiedLog {
  checks: LogCheck[];
  rows: Map<string, ProjectedWorkflow>;
  position: number;
  events: number;
  workflowEvents: number;
  /** False when a damaged or missing row stopped the read before the head. */
  complete: boolean;
}

/**
 * Reads the whole log once and checks it as it goes, folding the workflow streams into a rebuilt read model:
 * checksums (the store's own, on every read), positions without gaps, every workflow event against its schema
 * version, and stream versions numbered 1, 2, 3… per stream. A damaged row stops the read: nothing after it can be
 * trusted to be where it seems.
 */
export async function verifyLog(store: EventStore, traits: LogTraits, onProgress?: (position: number) => void): Promise<VerifiedLog> {
  const rows = new Map<string, ProjectedWorkflow>();
  const versions = new Map<string, number>();
  const problems = { positions: [] as string[], schemas: [] as string[], versions: [] as string[] };
  const counts = { gaps: 0, schemas: 0, versions: 0 };
  let first = 0;
  let position = 0;
  let events = 0;
  let workflowEvents = 0;
  let stopped: StoreCorruptedError | undefined;
  const note = (list: string[], key: keyof typeof counts, text: string): void => {
    counts[key]++;
    if (list.length < SHOWN) list.push(text);
  };
  for (;;) {
    let page;
    try {
      page = await store.readAll({ after: position, maxCount: PAGE });
    } catch (error) {
      if (!(error instanceof StoreCorruptedError)) throw error;
      stopped = error;
      break;
    }
    for (const e of page) {
      if (traits.positions !== 'unnumbered' && e.position !== position + 1) {
        note(problems.positions, 'gaps', `${traits.log} has no event at position${e.position - position > 2 ? `s ${position + 1} to ${e.position - 1}` : ` ${position + 1}`} (the next one is ${e.position}, stream ${e.streamName})`);
      }
      const last = versions.get(e.streamName) ?? 0;
      if (e.version !== last + 1) note(problems.versions, 'versions', `${traits.log} position ${e.position} stream ${e.streamName}: version ${e.version} follows version ${last}`);
      versions.set(e.streamName, e.version);
      if (e.streamName.startsWith(WORKFLOW_STREAM_PREFIX)) workflowEvents++;
      const other = e.streamName.startsWith(WORKFLOW_STREAM_PREFIX) ? undefined : traits.otherEventProblem?.(e);
      if (other) note(problems.schemas, 'schemas', `${traits.log} position ${e.position} stream ${e.streamName}: ${other}`);
      try {
        applyWorkflowEvent(rows, e, traits.log);
      } catch (error) {
        if (!(error instanceof UnreadableEventError)) throw error;
        note(problems.schemas, 'schemas', error.message.replace(/ The log was left untouched;.*$/, ''));
      }
      if (first === 0) first = e.position;
      position = e.position;
      events++;
    }
    onProgress?.(position);
    if (page.length < PAGE) break;
  }
  const upTo = stopped ? ` (up to position ${position}, where reading stopped)` : '';
  const damagedRow = stopped && !/is missing the event/.test(stopped.message) ? stopped : undefined;
  const missingRow = stopped && !damagedRow ? stopped : undefined;
  const checks: LogCheck[] = [
    traits.checksums
      ? damagedRow
        ? { name: 'checksums', outcome: 'failed', detail: `reading stopped after position ${position}`, problems: [damagedRow.message] }
        : { name: 'checksums', outcome: 'ok', detail: `each of ${events} event(s) matches its checksum${upTo}`, problems: [] }
      : { name: 'checksums', outcome: 'not checked', detail: 'this store keeps no per-event checksum', problems: [] },
    positionsCheck(traits, first, position, counts.gaps, problems.positions, missingRow, upTo),
    schemasCheck(traits, events, workflowEvents, counts.schemas, problems.schemas, upTo),
    counts.versions === 0
      ? { name: 'stream versions', outcome: 'ok', detail: `each of ${versions.size} stream(s) is numbered 1, 2, 3… without a gap${upTo}`, problems: [] }
      : { name: 'stream versions', outcome: 'failed', detail: `${counts.versions} event(s) out of sequence in their stream`, problems: problems.versions },
  ];
  return { checks, rows, position, events, workflowEvents, complete: stopped === undefined };
}

function schemasCheck(traits: LogTraits, events: number, workflowEvents: number, failed: number, problems: string[], upTo: string): LogCheck {
  const checked = traits.otherEventProblem ? events : workflowEvents;
  const what = traits.otherEventProblem ? 'event(s) (workflows, tables, refresh operations)' : 'workflow event(s)';
  if (failed > 0) return { name: 'schemas', outcome: 'failed', detail: `${failed} of ${checked} ${what} do not parse under their schema version`, problems };
  return { name: 'schemas', outcome: 'ok', detail: `each of ${checked} ${what} parses under its schema version${upTo}`, problems: [] };
}

function positionsCheck(traits: LogTraits, first: number, last: number, gaps: number, problems: string[], missing: StoreCorruptedError | undefined, upTo: string): LogCheck {
  if (missing) return { name: 'positions', outcome: 'failed', detail: `reading stopped after position ${last}`, problems: [missing.message] };
  if (traits.positions === 'unnumbered') return { name: 'positions', outcome: 'not checked', detail: 'this store numbers positions with gaps by design; they were read in increasing order', problems: [] };
  if (last === 0) return { name: 'positions', outcome: 'ok', detail: 'the log is empty', problems: [] };
  const range = `${first} to ${last}`;
  if (gaps === 0) return { name: 'positions', outcome: 'ok', detail: `${range} without a gap${upTo}`, problems: [] };
  // SQLite refuses any gap since the file became format 3; one it let through is from an older format and was kept.
  if (traits.positions === 'legacy-gaps') return { name: 'positions', outcome: 'ok', detail: `${range}; ${gaps} gap(s) from before the file was upgraded to format 3, kept as they were`, problems: [] };
  return { name: 'positions', outcome: 'failed', detail: `${range} with ${gaps} gap(s)`, problems };
}
