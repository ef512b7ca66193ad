-- The ledger rewrites every announcing peer's row, its user×torrent history row and its user's totals once per
-- flush. Let those be HOT updates (no index entries written, no new index pages): leave room in each page for
-- the new row version, and index nothing the flush changes.

-- last_announce changed on every flush, so every update also wrote this index. The queries that used it (the
-- reaper once a minute, start-up once) read the table instead.
DROP INDEX peers_by_last_announce;

ALTER TABLE peers SET (fillfactor = 50);
ALTER TABLE user_torrent_history SET (fillfactor = 70);
ALTER TABLE users SET (fillfactor = 70);
ALTER TABLE torrents SET (fillfactor = 80);
