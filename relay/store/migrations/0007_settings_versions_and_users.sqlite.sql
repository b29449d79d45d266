-- Every saved settings document is kept: an admin can look at an earlier one and restore it, and a reinstall
-- starts from the last one. installations.settings_revision is the revision its settings_json holds; a save
-- names the revision it was made from, and one made from an older revision is refused (two admins saving at
-- once never silently lose one's change).
ALTER TABLE installations ADD COLUMN settings_revision INTEGER NOT NULL DEFAULT 0;

CREATE TABLE settings_versions (
    account_id    INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    settings_json TEXT    NOT NULL,
    saved_at_ms   INTEGER NOT NULL,
    saved_by_user INTEGER NOT NULL,   -- the Kommo user; 0 = the relay itself (installation)
    PRIMARY KEY (account_id, revision)
);

-- A Kommo user's own Altegio employee account, checked when the admin enters it: the token (sealed), never the
-- password.
CREATE TABLE user_links (
    account_id        INTEGER NOT NULL,
    kommo_user_id     INTEGER NOT NULL,
    altegio_user_id   INTEGER NOT NULL,
    altegio_user_name TEXT    NOT NULL DEFAULT '',
    user_token_sealed TEXT    NOT NULL,
    checked_at_ms     INTEGER NOT NULL,
    PRIMARY KEY (account_id, kommo_user_id)
);
