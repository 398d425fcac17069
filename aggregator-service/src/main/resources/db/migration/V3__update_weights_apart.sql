-- The weights of accepted updates apart from their figures: when a round closes they are deleted, not rewritten as
-- nulls in place, which keeps the transaction that closes a round of a hundred large updates small.
create table update_weights (
    round      integer not null,
    client_id  varchar(100) not null,
    weights    bytea not null,
    primary key (round, client_id),
    foreign key (round, client_id) references round_update (round, client_id)
);

insert into update_weights (round, client_id, weights)
    select round, client_id, weights from round_update where weights is not null;

alter table round_update drop column weights;
