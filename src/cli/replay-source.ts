import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { refreshEventProblem, storeKindOf, type StoreKind } from '../runtime/index.ts';
import { type LogTraits, openProjectionPersistence, type ProjectionPersistence, projectionsFile, sqliteLogFile } from '../projections/index.ts';
import { CliError } from './client.ts';

/** Where replay reads, resolved before anything is opened, so a wrong guess is never created as an empty log. */
export interface ReplaySource {
  kind: Exclude<StoreKind, 'memory'>;
  /** The log in an operator's words: an absolute path, or a server and schema without credentials. */
  log: string;
  traits: LogTraits;
  /** The saved read model's persistence (SQLite or PostgreSQL), undefined when the store keeps none. */
  readModel?: () => ProjectionPersistence;
  /** Why there is no read model to compare with, when there is none. */
  noReadModel?: string;
}

export interface SourceOptions {
  dataDir: string;
  store: string;
  /** Where --data-dir's value came from: the flag, FRESHET_DATA_DIR, or the default. */
  dataDirFrom: 'flag' | 'env' | 'default';
  readOnly: boolean;
}

const withoutCredentials = (url: string): string => {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname === '/' ? '' : u.pathname}${u.searchParams.get('schema') ? ` schema ${u.searchParams.get('schema')}` : ''}`;
};

/**
 * replay opens the store itself (it needs the whole log, which no REST route serves), so it says where: the data
 * directory and store given, never the server at FRESHET_URL. An in-memory log exists only inside its process.
 */
export function replaySource(o: SourceOptions): ReplaySource {
  const kind = storeKindOf(o.store);
  if (kind === 'memory') {
    throw new CliError(
      "--store memory keeps the log inside the freshet process that holds it, so there is none here for replay to read. replay reads a store directly: point it at the one freshet serves from with --data-dir <dir> (SQLite, the default), --store sqlite:<path>, --store postgres://… or --store esdb://….",
      2,
    );
  }
  const persistence = (): ProjectionPersistence => openProjectionPersistence(o.store, o.dataDir, { readOnly: o.readOnly });
  if (kind === 'sqlite') {
    const log = resolve(sqliteLogFile(o.store, o.dataDir));
    if (!existsSync(log)) throw new CliError(missingLog(log, o), 2);
    const saved = resolve(projectionsFile(o.dataDir));
    return {
      kind,
      log,
      traits: { log, checksums: true, positions: 'legacy-gaps', otherEventProblem: refreshEventProblem },
      ...(existsSync(saved) || !o.readOnly ? { readModel: persistence } : { noReadModel: `no read model is saved at ${saved} (freshet has not run on this data directory yet)` }),
    };
  }
  const log = `${kind === 'postgres' ? 'PostgreSQL' : 'EventStoreDB'} ${withoutCredentials(o.store)}`;
  if (kind === 'postgres') return { kind, log, traits: { log, checksums: false, positions: 'gapless', otherEventProblem: refreshEventProblem }, readModel: persistence };
  return { kind, log, traits: { log, checksums: false, positions: 'unnumbered', otherEventProblem: refreshEventProblem }, noReadModel: 'freshet keeps no read model for EventStoreDB (it rebuilds one in memory at every start)' };
}

function missingLog(log: string, o: SourceOptions): string {
  const from =
    o.dataDirFrom === 'flag' ? `--data-dir ${o.dataDir}` : o.dataDirFrom === 'env' ? `FRESHET_DATA_DIR=${o.dataDir}` : `the default data directory ${o.dataDir}, relative to ${process.cwd()}`;
  const url = process.env.FRESHET_URL ? ` FRESHET_URL is set, but replay does not go through the server: it reads the store's files.` : '';
  return `No event log at ${log} (from ${from}).${url} Pass the --data-dir (or --store) that freshet serves from.`;
}
