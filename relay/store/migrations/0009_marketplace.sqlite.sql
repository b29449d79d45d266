-- Altegio Marketplace: the users who came with their data, and the locations that installed the application,
-- with the state of their activation (see store.hpp, MarketplaceLocation). The api key is sealed.
CREATE TABLE marketplace_users (
    altegio_user_id  INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL DEFAULT '',
    email            TEXT    NOT NULL DEFAULT '',
    phone            TEXT    NOT NULL DEFAULT '',
    registered_at_ms INTEGER NOT NULL,
    last_seen_at_ms  INTEGER NOT NULL
);

CREATE TABLE marketplace_locations (
    salon_id           INTEGER PRIMARY KEY,
    salon_group_id     INTEGER NOT NULL DEFAULT 0,
    altegio_user_id    INTEGER NOT NULL DEFAULT 0,
    state              TEXT    NOT NULL CHECK (state IN ('pending', 'active', 'late', 'frozen', 'uninstalled')),
    api_key_sealed     TEXT    NOT NULL,
    redirected_at_ms   INTEGER NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT    NOT NULL DEFAULT '',
    updated_at_ms      INTEGER NOT NULL
);
CREATE INDEX marketplace_locations_pending ON marketplace_locations (next_attempt_at_ms) WHERE state = 'pending';
