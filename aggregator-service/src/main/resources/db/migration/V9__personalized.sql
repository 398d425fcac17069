-- Each client's personalization of a completed run's final model: fine-tuned on its own training split, its score
-- beside the global model's on the same local test samples.

create table run_personalized (
  run_id integer not null,
  client_id varchar(100) not null,
  epochs integer not null,
  num_samples bigint not null,
  global_accuracy double precision not null,
  loss double precision not null,
  accuracy double precision not null,
  received_at timestamp with time zone not null,
  primary key (run_id, client_id)
);
