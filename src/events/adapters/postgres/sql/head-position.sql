SELECT position FROM @schema.head
