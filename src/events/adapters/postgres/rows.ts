import type { EventMetadata, RecordedEvent } from '../../types.ts';

/** A row of the events table as the read statements return it (json columns arrive parsed). */
export interface EventRow {
  position: number;
  stream: string;
  version: number;
  id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    streamName: row.stream,
    version: row.version,
    position: row.position,
    recordedAt: row.recorded_at.toISOString(),
  };
}
