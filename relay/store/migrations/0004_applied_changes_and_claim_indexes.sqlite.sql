-- The newest Altegio change applied per record (last_change_date as unix seconds): an event older than
-- that (a late webhook after the reconciler already applied a newer state) is skipped.
CREATE TABLE applied_changes (
    company_id INTEGER NOT NULL,
    record_id  INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (company_id, record_id)
);

-- Claiming the next event walks the pending events in id order and stops at the first one whose record has no
-- earlier unfinished event: these two partial indexes keep that walk short however many events are done.
CREATE INDEX inbox_pending_by_id ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_unfinished_by_key ON inbox (company_id, resource, resource_id, id) WHERE state IN ('pending', 'processing');
