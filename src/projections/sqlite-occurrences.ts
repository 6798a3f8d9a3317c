import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../events/index.ts';
import type { OccurrenceIndex } from './occurrence-reads.ts';
import type { OccurrenceBatch, OccurrenceRow, SkippedRange } from './occurrence-writes.ts';

/** The indexed ledger's tables in the read model file (see occurrence-writes.ts); WITHOUT ROWID: the key is the index. */
export const OCCURRENCE_TABLES: Readonly<Record<string, readonly string[]>> = {
  occurrence_rows: ['workflow_id', 'nominal_time', 'first_version', 'claim_version', 'skip_version', 'claimed_at', 'claimed_at_version', 'manual', 'manual_version', 'fired', 'fired_version', 'outcome', 'reason', 'outcome_version'],
  skipped_ranges: ['workflow_id', 'version', 'from_exclusive', 'to_inclusive', 'reason'],
  workflow_commands: ['workflow_id', 'version', 'event'],
};

export const OCCURRENCE_SCHEMA = `
CREATE TABLE IF NOT EXISTS occurrence_rows (
  workflow_id TEXT NOT NULL, nominal_time INTEGER NOT NULL, first_version INTEGER NOT NULL, claim_version INTEGER, skip_version INTEGER,
  claimed_at INTEGER, claimed_at_version INTEGER NOT NULL, manual INTEGER NOT NULL, manual_version INTEGER NOT NULL,
  fired TEXT, fired_version INTEGER NOT NULL, outcome TEXT NOT NULL, reason TEXT, outcome_version INTEGER NOT NULL,
  PRIMARY KEY (workflow_id, nominal_time)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS skipped_ranges (
  workflow_id TEXT NOT NULL, version INTEGER NOT NULL, from_exclusive INTEGER NOT NULL, to_inclusive INTEGER NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (workflow_id, version)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS skipped_ranges_by_end ON skipped_ranges (workflow_id, to_inclusive);
CREATE TABLE IF NOT EXISTS workflow_commands (workflow_id TEXT NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL, PRIMARY KEY (workflow_id, version)) WITHOUT ROWID;
`;

// Each group of fields takes the newer version's value only (occurrence-writes.ts): writes commute.
const newer = (field: string, version: string): string => `${field} = CASE WHEN excluded.${version} > ${version} THEN excluded.${field} ELSE ${field} END`;
const least = (field: string): string => `${field} = CASE WHEN ${field} IS NULL THEN excluded.${field} WHEN excluded.${field} IS NULL THEN ${field} ELSE min(${field}, excluded.${field}) END`;
const UPSERT = `INSERT INTO occurrence_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (workflow_id, nominal_time) DO UPDATE SET first_version = min(first_version, excluded.first_version), ${least('claim_version')}, ${least('skip_version')},
  ${newer('claimed_at', 'claimed_at_version')}, claimed_at_version = max(claimed_at_version, excluded.claimed_at_version),
  ${newer('manual', 'manual_version')}, manual_version = max(manual_version, excluded.manual_version),
  ${newer('fired', 'fired_version')}, fired_version = max(fired_version, excluded.fired_version),
  ${newer('outcome', 'outcome_version')}, ${newer('reason', 'outcome_version')}, outcome_version = max(outcome_version, excluded.outcome_version)`;

/** Writes a batch inside the caller's transaction (the read model's save, with its checkpoint). */
export function writeOccurrences(db: Database, batch: OccurrenceBatch): void {
  if (batch.rows.size > 0) {
    const upsert = db.prepare(UPSERT);
    // Positional parameters: binding named ones costs more than the upsert itself at a fire's rate.
    for (const r of batch.rows.values()) {
      const fired = r.fired === null ? null : JSON.stringify(r.fired);
      upsert.run(r.workflowId, r.nominalTime, r.firstVersion, r.claimVersion, r.skipVersion, r.claimedAt, r.claimedAtVersion, r.manual ? 1 : 0, r.manualVersion, fired, r.firedVersion, r.outcome, r.reason, r.outcomeVersion);
    }
  }
  if (batch.ranges.length > 0) {
    const insert = db.prepare('INSERT OR IGNORE INTO skipped_ranges VALUES (@workflowId, @version, @fromExclusive, @toInclusive, @reason)');
    for (const r of batch.ranges) insert.run(r);
  }
  if (batch.commands.length > 0) {
    const insert = db.prepare('INSERT OR IGNORE INTO workflow_commands VALUES (?, ?, ?)');
    for (const c of batch.commands) insert.run(c.workflowId, c.version, JSON.stringify(c.event));
  }
}

export const clearOccurrences = (db: Database): void => {
  db.exec('DELETE FROM occurrence_rows; DELETE FROM skipped_ranges; DELETE FROM workflow_commands');
};

interface StoredRow {
  workflow_id: string;
  nominal_time: number;
  first_version: number;
  claim_version: number | null;
  skip_version: number | null;
  claimed_at: number | null;
  claimed_at_version: number;
  manual: number;
  manual_version: number;
  fired: string | null;
  fired_version: number;
  outcome: OccurrenceRow['outcome'];
  reason: string | null;
  outcome_version: number;
}

export const rowOf = (r: StoredRow): OccurrenceRow => ({
  workflowId: r.workflow_id,
  nominalTime: Number(r.nominal_time),
  firstVersion: r.first_version,
  claimVersion: r.claim_version,
  skipVersion: r.skip_version,
  claimedAt: r.claimed_at === null ? null : Number(r.claimed_at),
  claimedAtVersion: r.claimed_at_version,
  manual: Boolean(r.manual),
  manualVersion: r.manual_version,
  fired: r.fired === null ? null : typeof r.fired === 'string' ? JSON.parse(r.fired) : r.fired,
  firedVersion: r.fired_version,
  outcome: r.outcome,
  reason: r.reason,
  outcomeVersion: r.outcome_version,
});

/** The indexed ledger read from the file; `db` is asked for at each read, as the read model may reopen it. */
export function sqliteOccurrenceIndex(db: () => Database): OccurrenceIndex {
  return {
    rows: async (id, q) =>
      db()
        .prepare<[string, number, number, number], StoredRow>(`SELECT * FROM occurrence_rows WHERE workflow_id = ? AND nominal_time BETWEEN ? AND ? ORDER BY nominal_time ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ?`)
        .all(id, q.from, q.to, q.limit)
        .map(rowOf),
    ranges: async (id, from, to) =>
      db()
        .prepare<[string, number, number], { version: number; from_exclusive: number; to_inclusive: number; reason: SkippedRange['reason'] }>(
          'SELECT version, from_exclusive, to_inclusive, reason FROM skipped_ranges WHERE workflow_id = ? AND to_inclusive >= ? AND from_exclusive < ? ORDER BY version',
        )
        .all(id, from, to)
        .map((r) => ({ workflowId: id, version: r.version, fromExclusive: r.from_exclusive, toInclusive: r.to_inclusive, reason: r.reason })),
    commands: async (id) =>
      db()
        .prepare<[string], { version: number; event: string }>('SELECT version, event FROM workflow_commands WHERE workflow_id = ? ORDER BY version')
        .all(id)
        .map((r) => ({ workflowId: id, version: r.version, event: JSON.parse(r.event) as RecordedEvent })),
  };
}
