SELECT coalesce(max(position), 0) AS head FROM log
