import type { RecordedEvent } from '../../types.ts';
import type { EventRow } from './statements.ts';

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    streamName: row.stream,
    version: row.version,
    position: row.position,
    recordedAt: row.recorded_at,
  };
}
