-- Status changes a manager makes in the widget's record log are queued as the record's new state (Altegio
-- sends no webhook for our own writes), so the inbox accepts a fifth source, 'widget'. SQLite cannot change a
-- CHECK constraint in place: the table is rebuilt with the same columns, rows and indexes.
CREATE TABLE inbox_rebuilt (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id         INTEGER NOT NULL,
    source             TEXT    NOT NULL CHECK (source IN ('altegio', 'kommo', 'kommo_dp', 'reconciler', 'widget')),
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
INSERT INTO inbox_rebuilt (id, account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms,
                           state, attempts, next_attempt_at_ms, last_error, outcome)
    SELECT id, account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms,
           state, attempts, next_attempt_at_ms, last_error, outcome FROM inbox;
-- Ids are never reused, even those of pruned events: the counter carries over.
DELETE FROM sqlite_sequence WHERE name = 'inbox_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'inbox_rebuilt', seq FROM sqlite_sequence WHERE name = 'inbox';
DROP TABLE inbox;
ALTER TABLE inbox_rebuilt RENAME TO inbox;
CREATE INDEX inbox_ready ON inbox (state, next_attempt_at_ms, id);
CREATE INDEX inbox_by_key ON inbox (company_id, resource, resource_id, id);
CREATE INDEX inbox_pending_by_id ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_unfinished_by_key ON inbox (company_id, resource, resource_id, id) WHERE state IN ('pending', 'processing');
