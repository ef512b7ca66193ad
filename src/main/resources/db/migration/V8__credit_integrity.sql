-- Upload a peer reported but could not have made in the time it was active: recorded raw, never credited, and
-- left out of every ratio and obligation (raw_uploaded - withheld_uploaded is the upload the tracker trusts).
ALTER TABLE user_torrent_history
    ADD COLUMN withheld_uploaded bigint NOT NULL DEFAULT 0 CHECK (withheld_uploaded >= 0);
ALTER TABLE users
    ADD COLUMN withheld_uploaded bigint NOT NULL DEFAULT 0 CHECK (withheld_uploaded >= 0);

-- A peer that left with event=stopped earns no active time until it announces again; one that fell silent earns
-- it up to the interval it was handed (plus a tolerance).
ALTER TABLE peers ADD COLUMN stopped boolean NOT NULL DEFAULT false;

-- The counters a peer's row was born with (its first sight on the node that inserted it): a node flushing an older
-- state of the peer afterwards credits the bytes between its state and that first sight, which nobody else did.
-- NULL for rows older than this column.
ALTER TABLE peers ADD COLUMN first_uploaded bigint, ADD COLUMN first_downloaded bigint;
