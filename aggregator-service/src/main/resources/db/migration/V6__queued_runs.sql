-- Runs as jobs: a run is defined by the aggregator's environment or submitted over the API (origin), and waits as
-- QUEUED until the runs before it end. Every run kept so far came from the environment.

alter table run add column origin varchar(16) default 'environment' not null;
