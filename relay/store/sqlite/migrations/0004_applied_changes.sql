-- The newest Altegio change applied per record (last_change_date as unix seconds): an event older than
-- that (a late webhook after the reconciler already applied a newer state) is skipped.
CREATE TABLE applied_changes (
    company_id INTEGER NOT NULL,
    record_id  INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (company_id, record_id)
);
