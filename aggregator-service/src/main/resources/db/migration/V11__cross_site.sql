-- A completed run's cross-site evaluation: when it was asked for, when its scoring began and when it was done; the
-- clients' last local models it collected (their weights, little-endian float32, dropped once it is done: which were
-- collected stays); each client's row, one accuracy per model (little-endian float64), the global model first.

create table run_cross_site (
  run_id integer not null primary key,
  requested_at timestamp with time zone not null,
  scoring_at timestamp with time zone,
  done_at timestamp with time zone
);

create table run_cross_site_model (
  run_id integer not null,
  client_id varchar(100) not null,
  weights bytea,
  received_at timestamp with time zone not null,
  primary key (run_id, client_id)
);

create table run_cross_site_score (
  run_id integer not null,
  client_id varchar(100) not null,
  num_samples bigint not null,
  accuracy bytea not null,
  received_at timestamp with time zone not null,
  primary key (run_id, client_id)
);
