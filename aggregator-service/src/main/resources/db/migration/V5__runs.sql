-- Many runs in one state folder: each run's clients, rounds, updates, weights, evaluations and events carry its id.
-- The one run a state folder of the previous release holds becomes run 1. Written as H2 and PostgreSQL both read it.

alter table run add column finished_at timestamp with time zone;
update run set finished_at = (select max(ended_at) from round) where state = 'COMPLETED';

create table run_client (
    run_id         integer not null references run (id),
    client_id      varchar(100) not null,
    train_samples  integer not null,
    test_samples   integer not null,
    registered_at  timestamp with time zone not null,
    primary key (run_id, client_id)
);
insert into run_client (run_id, client_id, train_samples, test_samples, registered_at)
    select 1, client_id, train_samples, test_samples, registered_at from client;

create table run_round (
    run_id           integer not null references run (id),
    round            integer not null,
    started_at       timestamp with time zone not null,
    ended_at         timestamp with time zone,
    global_accuracy  double precision,
    global_loss      double precision,
    model            bytea,
    strategy_state   bytea,
    primary key (run_id, round)
);
insert into run_round (run_id, round, started_at, ended_at, global_accuracy, global_loss, model, strategy_state)
    select 1, round, started_at, ended_at, global_accuracy, global_loss, model, strategy_state from round;

create table run_update (
    run_id          integer not null,
    round           integer not null,
    client_id       varchar(100) not null,
    num_samples     bigint not null,
    train_loss      double precision not null,
    train_accuracy  double precision not null,
    received_at     timestamp with time zone not null,
    epochs          bytea,
    primary key (run_id, round, client_id),
    foreign key (run_id, round) references run_round (run_id, round),
    foreign key (run_id, client_id) references run_client (run_id, client_id)
);
insert into run_update (run_id, round, client_id, num_samples, train_loss, train_accuracy, received_at, epochs)
    select 1, round, client_id, num_samples, train_loss, train_accuracy, received_at, epochs from round_update;

create table run_update_weights (
    run_id     integer not null,
    round      integer not null,
    client_id  varchar(100) not null,
    weights    bytea not null,
    primary key (run_id, round, client_id),
    foreign key (run_id, round, client_id) references run_update (run_id, round, client_id)
);
insert into run_update_weights (run_id, round, client_id, weights)
    select 1, round, client_id, weights from update_weights;

create table run_evaluation (
    run_id       integer not null,
    round        integer not null,
    client_id    varchar(100) not null,
    num_samples  bigint not null,
    loss         double precision not null,
    accuracy     double precision not null,
    received_at  timestamp with time zone not null,
    primary key (run_id, round, client_id),
    foreign key (run_id, round) references run_round (run_id, round),
    foreign key (run_id, client_id) references run_client (run_id, client_id)
);
insert into run_evaluation (run_id, round, client_id, num_samples, loss, accuracy, received_at)
    select 1, round, client_id, num_samples, loss, accuracy, received_at from evaluation;

alter table run_event add column run_id integer;
update run_event set run_id = 1;
alter table run_event alter column run_id set not null;
create index run_event_by_run on run_event (run_id, id);

drop table update_weights;
drop table evaluation;
drop table round_update;
drop table round;
drop table client;
