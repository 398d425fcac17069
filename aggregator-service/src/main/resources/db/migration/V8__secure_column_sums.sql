-- Runs on a table with secure aggregation: the clients' column sums as secure aggregation summed them before round 1
-- (the row count, then each column's sum, then each column's sum of squares, as big-endian doubles; no client's own),
-- and whether a column-sum session has asked for unmasking shares (the same sums are then never masked again).

alter table run add column column_sums bytea;
alter table run add column column_sums_revealed boolean default false not null;
