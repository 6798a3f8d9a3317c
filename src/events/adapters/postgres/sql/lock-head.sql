-- Taken first by every commit batch, held until it commits: batches commit one at a time, in position order.
SELECT position FROM @schema.head FOR UPDATE
