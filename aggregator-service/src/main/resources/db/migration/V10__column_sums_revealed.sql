-- Whether a run's column-sum session (a table's run with secure aggregation) has asked for unmasking shares: the same
-- sums are then never masked again, so a restart before their total was stored fails the run.

alter table run add column column_sums_revealed boolean default false not null;
