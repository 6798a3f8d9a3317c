/**
 * Retention and archive: fire-level history older than a retention leaves the log for gzip'd NDJSON files in
 * <data-dir>/archive, each named by a HistoryArchived event (deleting history is an event). Commands, table
 * streams, manual refreshes and what the engine's fold needs stay in the log; rebuilds read the log with its
 * archives (withArchives), so every read model comes out the same; replay --verify checks both.
 */
export { archiveHistory, archiveDir, ArchiveConflictError, KEPT_TYPES, type ArchiveOptions, type ArchiveResult } from './archive-history.ts';
export { withArchives } from './with-archives.ts';
export { verifyArchives } from './verify-archives.ts';
export { archiveCatalog, type ArchiveCatalog } from './catalog.ts';
export { retentionOf, parseRetention, cutoffFor, NO_RETENTION, RetentionSpecError, MIN_RETENTION_MS, type Retention } from './retention.ts';
export { ARCHIVE_STREAM, HISTORY_ARCHIVED, type HistoryArchivedData, type ArchivedLedgerSummary } from './history-archived.ts';
export { readArchive, ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, type ArchiveHeader } from './archive-file.ts';
export { FIRE_EVENT_TYPES } from './select.ts';
