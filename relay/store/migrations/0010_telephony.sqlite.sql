-- Telephony (issue 8) and lead tracking (issue 9) put their events in the same durable inbox, so it accepts two
-- more sources. SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same columns,
-- rows, id counter and indexes (as in 0005).
CREATE TABLE inbox_rebuilt (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id         INTEGER NOT NULL,
    source             TEXT    NOT NULL CHECK (source IN ('altegio', 'kommo', 'kommo_dp', 'reconciler', 'widget', 'telephony', 'tracking')),
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
    outcome            TEXT    NOT NULL DEFAULT '',
    claimed_by         TEXT    NOT NULL DEFAULT ''
);
INSERT INTO inbox_rebuilt (id, account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms,
                           state, attempts, next_attempt_at_ms, last_error, outcome, claimed_by)
    SELECT id, account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms,
           state, attempts, next_attempt_at_ms, last_error, outcome, claimed_by FROM inbox;
DELETE FROM sqlite_sequence WHERE name = 'inbox_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox_rebuilt', seq FROM sqlite_sequence WHERE name = 'inbox';
DROP TABLE inbox;
ALTER TABLE inbox_rebuilt RENAME TO inbox;
CREATE INDEX inbox_ready ON inbox (state, next_attempt_at_ms, id);
CREATE INDEX inbox_pending_by_id ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_unfinished_by_key ON inbox (company_id, resource, resource_id, id) WHERE state IN ('pending', 'processing');

-- A salon chain's telephony as an account's admin connected it (store.hpp, TelephonyChain); the token is sealed.
-- Numbers are the virtual numbers as written, one per line.
CREATE TABLE telephony_chains (
    chain_key            TEXT    PRIMARY KEY,
    account_id           INTEGER NOT NULL,
    name                 TEXT    NOT NULL,
    crm_token_sealed     TEXT    NOT NULL,
    numbers              TEXT    NOT NULL,
    new_lead_for_unknown INTEGER NOT NULL DEFAULT 0,
    enabled              INTEGER NOT NULL DEFAULT 0,
    error_key            TEXT    NOT NULL DEFAULT '',
    error_detail         TEXT    NOT NULL DEFAULT '',
    created_at_ms        INTEGER NOT NULL,
    updated_at_ms        INTEGER NOT NULL
);
CREATE INDEX telephony_chains_by_account ON telephony_chains (account_id);

-- What is known of each call and which of its steps are done (shared/domain/telephony.hpp, CallRecord, as JSON).
CREATE TABLE telephony_calls (
    chain_key     TEXT    NOT NULL,
    call_id       TEXT    NOT NULL,
    account_id    INTEGER NOT NULL,
    record_json   TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (chain_key, call_id)
);
CREATE INDEX telephony_calls_by_account_time ON telephony_calls (account_id, updated_at_ms);
