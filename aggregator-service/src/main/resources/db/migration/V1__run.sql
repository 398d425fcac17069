-- The aggregator's durable state: one run, its clients, its rounds, every accepted update and evaluation, and
-- every global model. Written as H2 and PostgreSQL both read it.

create table run (
    id          integer primary key,
    settings    varchar(8000) not null,   -- the run's settings, to refuse a restart with other ones
    state       varchar(32)   not null,
    message     varchar(2000),
    created_at  timestamp with time zone not null
);

create table client (
    client_id      varchar(100) primary key,
    train_samples  integer not null,
    test_samples   integer not null,
    registered_at  timestamp with time zone not null
);

-- round 0 is the initial model; round r is opened (started_at) and later closed (ended_at, model, scores).
create table round (
    round            integer primary key,
    started_at       timestamp with time zone not null,
    ended_at         timestamp with time zone,
    global_accuracy  double precision,
    global_loss      double precision,
    model            bytea
);

create table round_update (
    round           integer not null references round (round),
    client_id       varchar(100) not null references client (client_id),
    num_samples     bigint not null,
    train_loss      double precision not null,
    train_accuracy  double precision not null,
    received_at     timestamp with time zone not null,
    weights         bytea,                -- kept until the round is aggregated, then cleared
    primary key (round, client_id)
);

create table evaluation (
    round        integer not null references round (round),
    client_id    varchar(100) not null references client (client_id),
    num_samples  bigint not null,
    loss         double precision not null,
    accuracy     double precision not null,
    received_at  timestamp with time zone not null,
    primary key (round, client_id)
);
