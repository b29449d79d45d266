-- Installations: one per Kommo account. Tokens are sealed (libsodium secretbox) before they get here.
CREATE TABLE installations (
    account_id                INTEGER PRIMARY KEY,
    subdomain                 TEXT    NOT NULL,
    api_base_url              TEXT    NOT NULL,
    access_token_sealed       TEXT    NOT NULL,
    refresh_token_sealed      TEXT    NOT NULL,
    access_expires_at         INTEGER NOT NULL,
    altegio_user_token_sealed TEXT    NOT NULL DEFAULT '',
    webhook_key               TEXT    NOT NULL UNIQUE,
    settings_json             TEXT    NOT NULL DEFAULT '{}',
    installed_at              INTEGER NOT NULL
);

-- Bookings in flight and done, keyed by the widget's request key so a retried click never books twice.
CREATE TABLE bookings (
    account_id   INTEGER NOT NULL,
    request_key  TEXT    NOT NULL,
    lead_id      INTEGER NOT NULL,
    company_id   INTEGER NOT NULL,
    api_id       TEXT    NOT NULL UNIQUE,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'booked', 'done')),
    record_id    INTEGER NOT NULL DEFAULT 0,
    result_json  TEXT    NOT NULL DEFAULT '',
    request_json TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, request_key)
);

-- Which Kommo lead an Altegio record belongs to.
CREATE TABLE record_links (
    account_id INTEGER NOT NULL,
    company_id INTEGER NOT NULL,
    record_id  INTEGER NOT NULL,
    lead_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (company_id, record_id)
);
CREATE INDEX record_links_by_lead ON record_links (account_id, lead_id);

-- Every request we made and every webhook we received.
CREATE TABLE request_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms         INTEGER NOT NULL,
    account_id    INTEGER NOT NULL,
    direction     TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    kind          TEXT    NOT NULL,
    method        TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    status        INTEGER NOT NULL,
    error         TEXT    NOT NULL DEFAULT '',
    request_body  TEXT    NOT NULL DEFAULT '',
    response_body TEXT    NOT NULL DEFAULT '',
    duration_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_history_by_account_time ON request_history (account_id, at_ms);
