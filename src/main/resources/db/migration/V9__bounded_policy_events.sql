-- The decision log stays bounded. Announce-time decisions of one kind (user, torrent, rule, outcome, code) are one
-- row per aggregation window (tracker.policy.events.aggregate-window), which window_start names: count is how
-- many there were, created_at the first, last_at the latest, message the latest's text. Scheduled and staff
-- decisions stay one row each (window_start NULL). Rows whose last_at is older than
-- tracker.policy.events.retention are deleted.
ALTER TABLE policy_events
    ADD COLUMN count        bigint      NOT NULL DEFAULT 1 CHECK (count > 0),
    ADD COLUMN last_at      timestamptz,
    ADD COLUMN window_start timestamptz;
-- Every row so far is one decision.
UPDATE policy_events SET last_at = created_at;
ALTER TABLE policy_events ALTER COLUMN last_at SET NOT NULL;

-- The row a decision adds to; a decision about no torrent has torrent_id NULL, which COALESCE makes one key
-- (torrent ids start at 1).
CREATE UNIQUE INDEX policy_events_window ON policy_events
    (user_id, (COALESCE(torrent_id, 0)), rule, outcome, code, window_start) WHERE window_start IS NOT NULL;

-- Newest first means by the latest occurrence; the retention finds old rows by it too.
DROP INDEX policy_events_by_user;
CREATE INDEX policy_events_by_user ON policy_events (user_id, last_at DESC, id DESC);
DROP INDEX policy_events_cheats;
CREATE INDEX policy_events_cheats ON policy_events (last_at DESC, id DESC) WHERE rule = 'cheat';
CREATE INDEX policy_events_by_last_at ON policy_events (last_at);
