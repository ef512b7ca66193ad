-- Cheat detection compares a client's User-Agent with the client its peer_id names. Findings are rows of
-- policy_events (rule 'cheat'), so GET /api/flags reads them with an index of their own.
ALTER TABLE client_rules ADD COLUMN user_agent_prefix varchar(64);
UPDATE client_rules SET user_agent_prefix = CASE peer_id_prefix
    WHEN '-qB' THEN 'qBittorrent/'
    WHEN '-TR' THEN 'Transmission/'
    WHEN '-DE' THEN 'Deluge/'
    WHEN '-lt' THEN 'rtorrent/'
    WHEN 'A2-' THEN 'aria2/'
    WHEN '-KT' THEN 'KTorrent/'
    WHEN '-UT' THEN 'uTorrent/'
    WHEN '-CD' THEN 'Enhanced-CTorrent/'
    END;

CREATE INDEX policy_events_cheats ON policy_events (id DESC) WHERE rule = 'cheat';
