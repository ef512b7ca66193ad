-- Seed points, in millionths of a point: earned per user×torrent by the ledger's flushes, summed per user, spent
-- on the price list's items with a row each.
ALTER TABLE users ADD COLUMN seed_points bigint NOT NULL DEFAULT 0 CHECK (seed_points >= 0);
ALTER TABLE user_torrent_history ADD COLUMN seed_points bigint NOT NULL DEFAULT 0;

CREATE TABLE point_spends (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item           varchar(32) NOT NULL,
    quantity       integer     NOT NULL CHECK (quantity > 0),
    price          bigint      NOT NULL CHECK (price > 0),
    balance_after  bigint      NOT NULL CHECK (balance_after >= 0),
    spent_by       varchar(64) NOT NULL,
    spent_at       timestamptz NOT NULL
);
CREATE INDEX point_spends_by_user ON point_spends (user_id, id);
