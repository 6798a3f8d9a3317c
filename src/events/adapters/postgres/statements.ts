import { sqlText } from './connection.ts';

/** The adapter's statements for one schema, loaded once (sql/*.sql). */
export interface Statements {
  lockHead: string;
  streamHeads: string;
  streamSliceIds: string;
  writeBatch: string;
  streamHead: string;
  headPosition: string;
  readStreamForwards: string;
  readStreamBackwards: string;
  readAll: string;
}

export function loadStatements(schema: string): Statements {
  const sql = (name: string): string => sqlText(name, schema);
  return {
    lockHead: sql('lock-head'),
    streamHeads: sql('stream-heads'),
    streamSliceIds: sql('stream-slice-ids'),
    writeBatch: sql('write-batch'),
    streamHead: sql('stream-head'),
    headPosition: sql('head-position'),
    readStreamForwards: sql('read-stream-forwards'),
    readStreamBackwards: sql('read-stream-backwards'),
    readAll: sql('read-all'),
  };
}
