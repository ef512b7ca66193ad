-- Every tracker node keeps users, torrents and the policy's lists in memory. These triggers announce each
-- committed change on the channel 'swarmkeeper_changes' (NOTIFY is delivered at commit, duplicates within a
-- transaction collapse), so admin changes made on one node, or directly in SQL, reach every node in seconds.
-- Payload: '<table>:<id>' for users and torrents, '<table>' for the lists a node reloads whole.

CREATE FUNCTION notify_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('swarmkeeper_changes',
                      TG_TABLE_NAME || ':' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    RETURN NULL;
END $$;

CREATE FUNCTION notify_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('swarmkeeper_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- The ledger's additive updates of totals and snatch counts change nothing a node caches: not announced.
CREATE TRIGGER users_changed AFTER INSERT OR DELETE OR UPDATE OF name, passkey, enabled, disabled_reason,
    can_leech, immune, personal_freeleech_until ON users FOR EACH ROW EXECUTE FUNCTION notify_row_change();
CREATE TRIGGER torrents_changed AFTER INSERT OR DELETE OR UPDATE OF info_hash, info_hash_v2, name, size,
    download_factor, upload_factor, deleted_at, deletion_reason ON torrents
    FOR EACH ROW EXECUTE FUNCTION notify_row_change();

CREATE TRIGGER client_rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON client_rules
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change();
CREATE TRIGGER ip_bans_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ip_bans
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change();
CREATE TRIGGER site_events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON site_events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change();
CREATE TRIGGER freeleech_tokens_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON freeleech_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change();
CREATE TRIGGER user_standing_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_standing
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change();
CREATE TRIGGER hit_and_runs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hit_and_runs
    FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change();
