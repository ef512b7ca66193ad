-- Swarms with leechers and no seeder. A row opens when the scheduled rules first see one; after
-- tracker.reseed.after the users who snatched the torrent are asked to seed it again (reseed_request_users); the
-- row closes when a seeder returns (reseeded_by, and the points it was rewarded) or the leechers leave.
CREATE TABLE reseed_requests (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    torrent_id       bigint      NOT NULL REFERENCES torrents (id) ON DELETE CASCADE,
    seederless_since timestamptz NOT NULL,
    requested_at     timestamptz,
    closed_at        timestamptz,
    reseeded_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    reward           bigint      NOT NULL DEFAULT 0 CHECK (reward >= 0)
);
CREATE UNIQUE INDEX reseed_requests_open ON reseed_requests (torrent_id) WHERE closed_at IS NULL;
CREATE INDEX reseed_requests_closed ON reseed_requests (closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE reseed_request_users (
    request_id bigint NOT NULL REFERENCES reseed_requests (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    told_at    timestamptz,
    PRIMARY KEY (request_id, user_id)
);
CREATE INDEX reseed_request_users_untold ON reseed_request_users (user_id) WHERE told_at IS NULL;

-- The look for swarms without a seeder reads active peers only: weeks of inactive rows are left out.
CREATE INDEX peers_active_by_torrent ON peers (torrent_id, seeding) WHERE active;
