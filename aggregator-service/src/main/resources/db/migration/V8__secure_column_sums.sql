-- Runs on a table with secure aggregation: the clients' column sums as secure aggregation summed them before round 1
-- (the row count, then each column's sum, then each column's sum of squares, as big-endian doubles); no client's own.

alter table run add column column_sums bytea;
