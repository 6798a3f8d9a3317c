import type pg from 'pg';
import type { RecordedEvent } from '../events/index.ts';
import type { OccurrenceIndex } from './occurrence-reads.ts';
import type { OccurrenceBatch, SkippedRange } from './occurrence-writes.ts';
import { rowOf } from './sqlite-occurrences.ts';

type Table = (name: string) => string;

/**
 * The indexed ledger's writes in one statement per table, inside the read model's save. The batch is merged per row
 * beforehand (one upsert may not touch a row twice); each group of fields takes the newer version only, so nodes
 * saving the same events in any order agree (occurrence-writes.ts).
 */
export async function writeOccurrencesPg(client: pg.ClientBase, table: Table, batch: OccurrenceBatch): Promise<void> {
  const t = table('occurrence_rows');
  const newer = (field: string, version: string): string => `${field} = CASE WHEN excluded.${version} > ${t}.${version} THEN excluded.${field} ELSE ${t}.${field} END`;
  if (batch.rows.size > 0) {
    // In key order, as the workflow rows (postgres-persistence.ts): nodes saving the same rows lock them alike.
    const rows = JSON.stringify([...batch.rows.values()].sort((a, b) => (a.workflowId < b.workflowId ? -1 : a.workflowId > b.workflowId ? 1 : a.nominalTime - b.nominalTime)));
    await client.query(
      `INSERT INTO ${t} SELECT r."workflowId", r."nominalTime", r."firstVersion", r."claimVersion", r."skipVersion", r."claimedAt", r."claimedAtVersion",
         r."manual", r."manualVersion", r."fired", r."firedVersion", r."outcome", r."reason", r."outcomeVersion"
       FROM json_to_recordset($1::json) AS r("workflowId" text, "nominalTime" bigint, "firstVersion" integer, "claimVersion" integer, "skipVersion" integer,
         "claimedAt" bigint, "claimedAtVersion" integer, "manual" boolean, "manualVersion" integer, "fired" json, "firedVersion" integer, "outcome" text,
         "reason" text, "outcomeVersion" integer)
       ON CONFLICT (workflow_id, nominal_time) DO UPDATE SET first_version = least(${t}.first_version, excluded.first_version),
         claim_version = least(${t}.claim_version, excluded.claim_version), skip_version = least(${t}.skip_version, excluded.skip_version),
         ${newer('claimed_at', 'claimed_at_version')}, claimed_at_version = greatest(${t}.claimed_at_version, excluded.claimed_at_version),
         ${newer('manual', 'manual_version')}, manual_version = greatest(${t}.manual_version, excluded.manual_version),
         ${newer('fired', 'fired_version')}, fired_version = greatest(${t}.fired_version, excluded.fired_version),
         ${newer('outcome', 'outcome_version')}, ${newer('reason', 'outcome_version')}, outcome_version = greatest(${t}.outcome_version, excluded.outcome_version)`,
      [rows],
    );
  }
  if (batch.ranges.length > 0) {
    await client.query(
      `INSERT INTO ${table('skipped_ranges')} SELECT r."workflowId", r."version", r."fromExclusive", r."toInclusive", r."reason"
       FROM json_to_recordset($1::json) AS r("workflowId" text, "version" integer, "fromExclusive" bigint, "toInclusive" bigint, "reason" text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(batch.ranges)],
    );
  }
  if (batch.commands.length > 0) {
    await client.query(
      `INSERT INTO ${table('workflow_commands')} SELECT r."workflowId", r."version", r."event"
       FROM json_to_recordset($1::json) AS r("workflowId" text, "version" integer, "event" json) ON CONFLICT DO NOTHING`,
      [JSON.stringify(batch.commands)],
    );
  }
}

export const clearOccurrencesPg = (client: pg.ClientBase, table: Table): Promise<unknown> =>
  client.query(`DELETE FROM ${table('occurrence_rows')}; DELETE FROM ${table('skipped_ranges')}; DELETE FROM ${table('workflow_commands')}`);

export function postgresOccurrenceIndex(pool: () => Promise<pg.Pool>, table: () => Table): OccurrenceIndex {
  return {
    rows: async (id, q) => {
      const r = await (await pool()).query(
        `SELECT * FROM ${table()('occurrence_rows')} WHERE workflow_id = $1 AND nominal_time BETWEEN $2 AND $3 ORDER BY nominal_time ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT $4`,
        [id, q.from, q.to, q.limit],
      );
      return r.rows.map(rowOf);
    },
    ranges: async (id, from, to) => {
      const r = await (await pool()).query<{ version: number; from_exclusive: string; to_inclusive: string; reason: SkippedRange['reason'] }>(
        `SELECT version, from_exclusive, to_inclusive, reason FROM ${table()('skipped_ranges')} WHERE workflow_id = $1 AND to_inclusive >= $2 AND from_exclusive < $3 ORDER BY version`,
        [id, from, to],
      );
      return r.rows.map((x) => ({ workflowId: id, version: x.version, fromExclusive: Number(x.from_exclusive), toInclusive: Number(x.to_inclusive), reason: x.reason }));
    },
    commands: async (id) => {
      const r = await (await pool()).query<{ version: number; event: RecordedEvent }>(`SELECT version, event FROM ${table()('workflow_commands')} WHERE workflow_id = $1 ORDER BY version`, [id]);
      return r.rows.map((x) => ({ workflowId: id, version: x.version, event: x.event }));
    },
  };
}
