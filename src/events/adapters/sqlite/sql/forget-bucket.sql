DELETE FROM recent_index WHERE bucket = ?
