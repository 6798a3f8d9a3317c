import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArchiveConflictError, archiveHistory, type ArchiveResult, retentionOf, RetentionSpecError } from '../archive/index.ts';
import { systemClock } from '../clock/index.ts';
import { openEventStore, storeKindOf } from '../events/index.ts';
import { sqliteLogFile } from '../projections/index.ts';
import type { ArchiveCliOptions } from './archive.ts';
import { CliError } from './client.ts';

const out = (text: string): boolean => process.stdout.write(`${text}\n`);

export async function runArchive(o: ArchiveCliOptions): Promise<void> {
  let retention;
  try {
    retention = retentionOf(o.retention, o.retentionFor ?? []);
  } catch (error) {
    if (error instanceof RetentionSpecError) throw new CliError(error.message, 2);
    throw error;
  }
  if (storeKindOf(o.store) !== 'sqlite') throw new CliError(`Retention is not yet available on the ${o.store.split(':')[0]} store: archive works on a SQLite store (the default, --data-dir).`, 2);
  const log = resolve(sqliteLogFile(o.store, o.dataDir));
  if (!existsSync(log)) throw new CliError(`No event log at ${log}: pass the --data-dir (or --store) that freshet serves from.`, 2);
  const store = openEventStore(o.store, o.dataDir);
  let result: ArchiveResult;
  try {
    result = await archiveHistory({ store, dataDir: o.dataDir, clock: systemClock, retention, logName: log, context: { actor: o.actor ?? 'cli', correlationId: crypto.randomUUID(), ...(o.reason ? { reason: o.reason } : {}) } });
  } catch (error) {
    if (error instanceof ArchiveConflictError) throw new CliError(error.message, 1);
    throw error;
  } finally {
    await store.close();
  }
  const r = result.record;
  if (o.json) {
    out(JSON.stringify({ archived: r?.events ?? 0, removed: result.removed, file: r ? resolve(o.dataDir, 'archive', r.file) : null, bytes: r?.bytes ?? 0, workflows: r?.workflows.length ?? 0, operationStreams: r?.operationStreams ?? 0, timings: result.timings }));
    return;
  }
  if (!r) {
    out(result.removed > 0 ? `Removed ${result.removed} event(s) an interrupted run had archived; nothing new was old enough to archive.` : 'Nothing is old enough to archive: the log was left as it was.');
    return;
  }
  out(`Archived ${r.events} event(s) (${r.workflows.length} workflow(s), ${r.operationStreams} finished refresh(es)) to ${resolve(o.dataDir, 'archive', r.file)} (${r.bytes} bytes) and removed ${result.removed} from the log; recorded as HistoryArchived.`);
}
