-- What removeEvents checks of an event before removing it (no row: removed already).
SELECT position, stream AS streamName, version, type, recorded_at AS recordedAt FROM log WHERE position = ?
