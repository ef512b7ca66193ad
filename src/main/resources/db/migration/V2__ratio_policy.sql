-- Ratio policy: credit factors (torrent, personal, site-wide, tokens), raw beside credited totals, leech-rights
-- standing (required ratio, ratio watch), hit-and-runs, client allow-list, IP bans, and the decision log.

ALTER TABLE users
    ADD COLUMN raw_uploaded             bigint       NOT NULL DEFAULT 0 CHECK (raw_uploaded >= 0),
    ADD COLUMN raw_downloaded           bigint       NOT NULL DEFAULT 0 CHECK (raw_downloaded >= 0),
    ADD COLUMN disabled_reason          varchar(255),
    ADD COLUMN immune                   boolean      NOT NULL DEFAULT false,
    ADD COLUMN personal_freeleech_until timestamptz,
    ADD COLUMN freeleech_tokens         integer      NOT NULL DEFAULT 0 CHECK (freeleech_tokens >= 0);
-- Before this migration every byte was credited as reported.
UPDATE users SET raw_uploaded = uploaded, raw_downloaded = downloaded;

ALTER TABLE torrents
    ADD COLUMN download_factor double precision NOT NULL DEFAULT 1 CHECK (download_factor BETWEEN 0 AND 10),
    ADD COLUMN upload_factor   double precision NOT NULL DEFAULT 1 CHECK (upload_factor BETWEEN 0 AND 10),
    ADD COLUMN deleted_at      timestamptz,
    ADD COLUMN deletion_reason varchar(255);

-- Global freeleech / double upload between two instants; a NULL factor leaves the torrents' own.
CREATE TABLE site_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            varchar(255)     NOT NULL,
    download_factor double precision CHECK (download_factor BETWEEN 0 AND 10),
    upload_factor   double precision CHECK (upload_factor BETWEEN 0 AND 10),
    starts_at       timestamptz      NOT NULL,
    ends_at         timestamptz      NOT NULL CHECK (ends_at > starts_at),
    created_at      timestamptz      NOT NULL DEFAULT now()
);

-- A spent freeleech token makes one user×torrent freeleech.
CREATE TABLE freeleech_tokens (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    torrent_id bigint      NOT NULL REFERENCES torrents (id) ON DELETE CASCADE,
    spent_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, torrent_id)
);

-- The last evaluation of a user's ratio against the requirement, and the ratio watch.
CREATE TABLE user_standing (
    user_id                   bigint           PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    ratio                     double precision,
    required_ratio            double precision NOT NULL,
    seeding_share             double precision NOT NULL,
    watch_started_at          timestamptz,
    watch_ends_at             timestamptz,
    watch_downloaded_at_start bigint,
    revoked_at                timestamptz,
    revoked_code              varchar(64),
    evaluated_at              timestamptz      NOT NULL
);

-- One obligation per snatched user×torrent that was not seeded enough in time.
CREATE TABLE hit_and_runs (
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    torrent_id   bigint      NOT NULL REFERENCES torrents (id) ON DELETE CASCADE,
    state        varchar(16) NOT NULL CHECK (state IN ('prewarned', 'struck', 'cleared', 'expired')),
    deadline     timestamptz NOT NULL,
    prewarned_at timestamptz NOT NULL,
    struck_at    timestamptz,
    expires_at   timestamptz,
    resolved_at  timestamptz,
    PRIMARY KEY (user_id, torrent_id)
);
CREATE INDEX hit_and_runs_open ON hit_and_runs (user_id) WHERE state IN ('prewarned', 'struck');

-- Clients allowed to announce: peer_id prefix and the lowest version let in.
CREATE TABLE client_rules (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    peer_id_prefix varchar(8)  NOT NULL UNIQUE,
    name           varchar(64) NOT NULL,
    min_version    varchar(32) NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO client_rules (peer_id_prefix, name, min_version) VALUES
    ('-qB', 'qBittorrent', '4.3.0'),
    ('-TR', 'Transmission', '3.0.0'),
    ('-DE', 'Deluge', '2.0.0'),
    ('-lt', 'rTorrent (libtorrent)', '0.13.6'),
    ('-LT', 'libtorrent (rasterbar)', '1.2.0'),
    ('-BI', 'BiglyBT', '3.0.0'),
    ('-AZ', 'Vuze', '5.7.0'),
    ('-KT', 'KTorrent', '5.0.0'),
    ('-UT', 'µTorrent', '3.5.5'),
    ('-CD', 'Enhanced CTorrent', '0.3.0.2'),
    ('A2-', 'aria2', '1.35.0');

CREATE TABLE ip_bans (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    network    cidr         NOT NULL UNIQUE,
    reason     varchar(255) NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now()
);

-- Every denial, warning, watch change, hit-and-run step and rights change, with its reason code and text.
CREATE TABLE policy_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    torrent_id bigint       REFERENCES torrents (id) ON DELETE CASCADE,
    rule       varchar(32)  NOT NULL,
    outcome    varchar(16)  NOT NULL,
    code       varchar(64)  NOT NULL,
    message    varchar(500) NOT NULL,
    created_at timestamptz  NOT NULL
);
CREATE INDEX policy_events_by_user ON policy_events (user_id, id DESC);
