-- Per-torrent freeleech and double upload until an instant (they end by themselves), and moderation: only
-- approved torrents are announceable by everyone; the uploader may announce a pending one.
ALTER TABLE torrents
    ADD COLUMN freeleech_until     timestamptz,
    ADD COLUMN double_upload_until timestamptz,
    ADD COLUMN moderation          varchar(16)  NOT NULL DEFAULT 'approved'
        CHECK (moderation IN ('pending', 'approved', 'rejected', 'postponed')),
    ADD COLUMN moderation_reason   varchar(255),
    ADD COLUMN uploader_id         bigint REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX torrents_by_uploader ON torrents (uploader_id) WHERE uploader_id IS NOT NULL;

DROP TRIGGER torrents_changed ON torrents;
CREATE TRIGGER torrents_changed AFTER INSERT OR DELETE OR UPDATE OF info_hash, info_hash_v2, name, size,
    download_factor, upload_factor, deleted_at, deletion_reason, freeleech_until, double_upload_until, moderation,
    moderation_reason, uploader_id ON torrents
    FOR EACH ROW EXECUTE FUNCTION notify_row_change();
