-- Tracker core: users with passkeys, registered torrents, peers with their baselines, and per-user×torrent
-- history. Totals are only ever changed by additive updates (uploaded = uploaded + ?), so several tracker
-- nodes can share this database.

-- Credit stops at the bigint maximum rather than failing a whole flush on an absurd client counter.
CREATE FUNCTION saturated_add(total bigint, delta bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT LEAST(total::numeric + delta, 9223372036854775807)::bigint $$;

CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        varchar(64) NOT NULL UNIQUE,
    passkey     char(32)    NOT NULL UNIQUE CHECK (passkey ~ '^[0-9a-f]{32}$'),
    uploaded    bigint      NOT NULL DEFAULT 0 CHECK (uploaded >= 0),
    downloaded  bigint      NOT NULL DEFAULT 0 CHECK (downloaded >= 0),
    enabled     boolean     NOT NULL DEFAULT true,
    can_leech   boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE torrents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    info_hash     bytea        NOT NULL UNIQUE CHECK (length(info_hash) = 20),
    info_hash_v2  bytea        UNIQUE CHECK (length(info_hash_v2) = 32),
    name          varchar(255) NOT NULL,
    size          bigint       NOT NULL CHECK (size >= 0),
    snatches      bigint       NOT NULL DEFAULT 0,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now()
);

-- One row per (torrent, user, peer_id). uploaded/downloaded/bytes_left are the baseline: the counters of
-- the peer's last announce whose credit has been committed.
CREATE TABLE peers (
    torrent_id      bigint      NOT NULL REFERENCES torrents (id) ON DELETE CASCADE,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    peer_id         bytea       NOT NULL CHECK (length(peer_id) = 20),
    peer_key        bytea,
    ipv4            inet,
    port4           integer,
    ipv6            inet,
    port6           integer,
    uploaded        bigint      NOT NULL,
    downloaded      bigint      NOT NULL,
    bytes_left      bigint      NOT NULL,
    seeding         boolean     NOT NULL,
    partial_seed    boolean     NOT NULL,
    user_agent      varchar(255),
    first_announce  timestamptz NOT NULL,
    last_announce   timestamptz NOT NULL,
    active          boolean     NOT NULL,
    PRIMARY KEY (torrent_id, user_id, peer_id)
);
-- GET /api/users/{id}: active seeding/leeching counts; and the cascade when a user is deleted.
CREATE INDEX peers_by_user ON peers (user_id);
-- Start-up reload of recent peers and the clean-up of forgotten ones.
CREATE INDEX peers_by_last_announce ON peers (last_announce);

CREATE TABLE user_torrent_history (
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    torrent_id      bigint      NOT NULL REFERENCES torrents (id) ON DELETE CASCADE,
    uploaded        bigint      NOT NULL DEFAULT 0,
    downloaded      bigint      NOT NULL DEFAULT 0,
    raw_uploaded    bigint      NOT NULL DEFAULT 0,
    raw_downloaded  bigint      NOT NULL DEFAULT 0,
    seed_time_ms    bigint      NOT NULL DEFAULT 0,
    leech_time_ms   bigint      NOT NULL DEFAULT 0,
    completed_at    timestamptz,
    first_seen      timestamptz NOT NULL,
    last_seen       timestamptz NOT NULL,
    PRIMARY KEY (user_id, torrent_id)
);
CREATE INDEX user_torrent_history_by_torrent ON user_torrent_history (torrent_id);
