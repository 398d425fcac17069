-- The strategy's own state after each round (server momentum, Adam moments, ...), so that a resumed run continues
-- with it: entries of (name, float32 vector) as StrategyStates encodes them; null while the round is open.
alter table round add column strategy_state bytea;
