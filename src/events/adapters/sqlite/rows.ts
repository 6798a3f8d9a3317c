import type { RecordedEvent } from '../../types.ts';
import type { EventRow } from './statements.ts';

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row[3],
    type: row[4],
    schemaVersion: row[5],
    data: JSON.parse(row[6]) as unknown,
    metadata: JSON.parse(row[7]) as RecordedEvent['metadata'],
    streamName: row[1],
    version: row[2],
    position: row[0],
    recordedAt: row[8],
  };
}
