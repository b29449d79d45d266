-- The relay's schema on PostgreSQL as steps 0001-0008 leave it on SQLite, written at once for a
-- database that several relays share. Times are unix seconds (*_at) or milliseconds (*_ms), as in SQLite.

-- Installations: one per Kommo account. Tokens are sealed (libsodium secretbox) before they get here.
CREATE TABLE installations (
    account_id                BIGINT  PRIMARY KEY,
    subdomain                 TEXT    NOT NULL,
    api_base_url              TEXT    NOT NULL,
    access_token_sealed       TEXT    NOT NULL,
    refresh_token_sealed      TEXT    NOT NULL,
    access_expires_at         BIGINT  NOT NULL,
    altegio_user_token_sealed TEXT    NOT NULL DEFAULT '',
    webhook_key               TEXT    NOT NULL UNIQUE,
    settings_json             TEXT    NOT NULL DEFAULT '{}',
    settings_revision         BIGINT  NOT NULL DEFAULT 0,
    installed_at              BIGINT  NOT NULL
);

-- Every saved settings document; installations.settings_revision names the one in force.
CREATE TABLE settings_versions (
    account_id    BIGINT NOT NULL,
    revision      BIGINT NOT NULL,
    settings_json TEXT   NOT NULL,
    saved_at_ms   BIGINT NOT NULL,
    saved_by_user BIGINT NOT NULL,   -- the Kommo user; 0 = the relay itself (installation)
    PRIMARY KEY (account_id, revision)
);

-- A Kommo user's own Altegio employee account: the token (sealed), never the password.
CREATE TABLE user_links (
    account_id        BIGINT NOT NULL,
    kommo_user_id     BIGINT NOT NULL,
    altegio_user_id   BIGINT NOT NULL,
    altegio_user_name TEXT   NOT NULL DEFAULT '',
    user_token_sealed TEXT   NOT NULL,
    checked_at_ms     BIGINT NOT NULL,
    PRIMARY KEY (account_id, kommo_user_id)
);

-- Bookings in flight and done, keyed by the widget's request key so a retried click never books twice.
CREATE TABLE bookings (
    account_id   BIGINT NOT NULL,
    request_key  TEXT   NOT NULL,
    lead_id      BIGINT NOT NULL,
    company_id   BIGINT NOT NULL,
    api_id       TEXT   NOT NULL UNIQUE,
    state        TEXT   NOT NULL CHECK (state IN ('pending', 'booked', 'done')),
    record_id    BIGINT NOT NULL DEFAULT 0,
    result_json  TEXT   NOT NULL DEFAULT '',
    request_json TEXT   NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, request_key)
);

-- Which Kommo lead an Altegio record belongs to.
CREATE TABLE record_links (
    account_id BIGINT NOT NULL,
    company_id BIGINT NOT NULL,
    record_id  BIGINT NOT NULL,
    lead_id    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, record_id)
);
CREATE INDEX record_links_by_lead ON record_links (account_id, lead_id);

-- The newest Altegio change applied per record (unix seconds): an older event is skipped.
CREATE TABLE applied_changes (
    company_id BIGINT NOT NULL,
    record_id  BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, record_id)
);

-- Every request we made and every webhook we received.
CREATE TABLE request_history (
    id            BIGSERIAL PRIMARY KEY,
    at_ms         BIGINT  NOT NULL,
    account_id    BIGINT  NOT NULL,
    direction     TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    kind          TEXT    NOT NULL,
    method        TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    error         TEXT    NOT NULL DEFAULT '',
    request_body  TEXT    NOT NULL DEFAULT '',
    response_body TEXT    NOT NULL DEFAULT '',
    duration_ms   BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX request_history_by_account_time ON request_history (account_id, at_ms);

-- The durable inbox. Workers of every relay take events in order per (company_id, resource, resource_id);
-- claimed_by names the relay working on an event, so a dead relay's events can be handed to a live one.
CREATE TABLE inbox (
    id                 BIGSERIAL PRIMARY KEY,
    account_id         BIGINT  NOT NULL,
    source             TEXT    NOT NULL CHECK (source IN ('altegio', 'kommo', 'kommo_dp', 'reconciler', 'widget')),
    company_id         BIGINT  NOT NULL,
    resource           TEXT    NOT NULL,
    resource_id        BIGINT  NOT NULL,
    event_type         TEXT    NOT NULL,
    dedupe_key         TEXT    NOT NULL UNIQUE,
    body               TEXT    NOT NULL,
    received_at_ms     BIGINT  NOT NULL,
    state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processing', 'done', 'failed')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms BIGINT  NOT NULL DEFAULT 0,
    last_error         TEXT    NOT NULL DEFAULT '',
    outcome            TEXT    NOT NULL DEFAULT '',
    claimed_by         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX inbox_pending_by_id ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_unfinished_by_key ON inbox (company_id, resource, resource_id, id) WHERE state IN ('pending', 'processing');
CREATE INDEX inbox_processing_by_relay ON inbox (claimed_by) WHERE state = 'processing';
CREATE INDEX inbox_failed_by_account ON inbox (account_id, id) WHERE state = 'failed';
CREATE INDEX inbox_by_account_company ON inbox (account_id, company_id, id) WHERE source = 'altegio';
CREATE INDEX inbox_finished_by_account_time ON inbox (account_id, received_at_ms) WHERE state IN ('done', 'failed');

-- How far the reconciler has read each branch's changes (Altegio's changed_after).
CREATE TABLE reconciler_watermarks (
    account_id    BIGINT NOT NULL,
    company_id    BIGINT NOT NULL,
    changed_after TEXT   NOT NULL,
    PRIMARY KEY (account_id, company_id)
);

-- Named leases: "relay:<instance>" (a relay's heartbeat), "refresh:<account>" (one token refresh at a time),
-- "reconciler" (one reconciler at a time).
CREATE TABLE leases (
    name          TEXT   PRIMARY KEY,
    holder        TEXT   NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

-- Calls counted by a rate limit shared across relays (one key per Kommo account domain).
CREATE TABLE rate_places (
    id             BIGSERIAL PRIMARY KEY,
    key            TEXT   NOT NULL,
    taken_at_ms    BIGINT NOT NULL,
    answered_at_ms BIGINT              -- NULL while the call is in flight
);
CREATE INDEX rate_places_by_key ON rate_places (key, id);
