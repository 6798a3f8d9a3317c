// @ts-check
// The SQLite store's writer thread: its own connection to the file, writing the batches the main thread sends,
// in order, one transaction each. Inserting, committing and fsyncing (and SQLite's WAL checkpoints) then happen
// off the main thread, which keeps running timers and triggers meanwhile. Plain JavaScript: see
// ../../expected-version.js.
import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { createBatchWriter } from './batch-writer.js';
import { tuneConnection } from './connection.js';

/** @type {import('./writer-thread-client.ts').WriterThreadOptions} */
const { path, durability, busyTimeoutMs, indexMergeEvery } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const db = new Sqlite(path, { timeout: busyTimeoutMs });
tuneConnection(db, durability);
const writer = createBatchWriter(db, indexMergeEvery);

port.on('message', (/** @type {{ id: number, recordedAt: string, appends: import('../../validation.ts').PreparedAppend[] } | 'close'} */ message) => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  port.postMessage({ id: message.id, outcomes: writer.write(message.appends, message.recordedAt) });
});
