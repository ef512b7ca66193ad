-- User classes (tracker.economy.classes): NULL is the first class. A pinned class is left alone by the scheduled
-- promotion and demotion.
ALTER TABLE users
    ADD COLUMN user_class   varchar(64),
    ADD COLUMN class_pinned boolean NOT NULL DEFAULT false;

DROP TRIGGER users_changed ON users;
CREATE TRIGGER users_changed AFTER INSERT OR DELETE OR UPDATE OF name, passkey, enabled, disabled_reason,
    can_leech, immune, personal_freeleech_until, user_class ON users
    FOR EACH ROW EXECUTE FUNCTION notify_row_change();
