SELECT * FROM events WHERE stream = ? AND version <= ? ORDER BY version DESC LIMIT ?
