-- Each client's confusion counts of a round's model (true class by predicted class, row by row, big-endian longs).
-- Runs on a table: each client's column sums (its row count, then each column's sum, then each column's sum of
-- squares, as big-endian doubles), from which the run standardizes its inputs; and room in the run's definition for
-- the table's schema. Written as H2 and PostgreSQL both read it.

alter table run_client add column sums bytea;
alter table run alter column settings set data type varchar(1000000);
alter table run_evaluation add column confusion bytea;
