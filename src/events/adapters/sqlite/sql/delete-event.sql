-- Retention: one archived event leaves the log (its position is never reused: the head is never removed).
DELETE FROM log WHERE position = ?
