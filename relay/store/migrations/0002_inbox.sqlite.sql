-- The durable inbox: every webhook event (and every reconciler finding) is stored here before the sender
-- gets its 2xx. Workers take events in order per (company_id, resource, resource_id).
CREATE TABLE inbox (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id         INTEGER NOT NULL,
    source             TEXT    NOT NULL CHECK (source IN ('altegio', 'kommo', 'kommo_dp', 'reconciler')),
    company_id         INTEGER NOT NULL,
    resource           TEXT    NOT NULL,
    resource_id        INTEGER NOT NULL,
    event_type         TEXT    NOT NULL,
    dedupe_key         TEXT    NOT NULL UNIQUE,
    body               TEXT    NOT NULL,
    received_at_ms     INTEGER NOT NULL,
    state              TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processing', 'done', 'failed')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT    NOT NULL DEFAULT '',
    outcome            TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX inbox_ready ON inbox (state, next_attempt_at_ms, id);
CREATE INDEX inbox_by_key ON inbox (company_id, resource, resource_id, id);
