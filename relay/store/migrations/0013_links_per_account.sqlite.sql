-- Issue 23: two Kommo accounts connected to the same Altegio branch each keep their own lead for a record and
-- their own newest applied change, so the account joins both keys. Applied changes of records without a link
-- had no account to go to and are dropped (the next event of such a record is applied as new).
CREATE TABLE record_links_by_account (
    account_id INTEGER NOT NULL,
    company_id INTEGER NOT NULL,
    record_id  INTEGER NOT NULL,
    lead_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, company_id, record_id)
);
INSERT INTO record_links_by_account (account_id, company_id, record_id, lead_id, created_at)
    SELECT account_id, company_id, record_id, lead_id, created_at FROM record_links;
DROP TABLE record_links;
ALTER TABLE record_links_by_account RENAME TO record_links;
CREATE INDEX record_links_by_lead ON record_links (account_id, lead_id);

CREATE TABLE applied_changes_by_account (
    account_id INTEGER NOT NULL,
    company_id INTEGER NOT NULL,
    record_id  INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, company_id, record_id)
);
INSERT INTO applied_changes_by_account (account_id, company_id, record_id, changed_at)
    SELECT l.account_id, a.company_id, a.record_id, a.changed_at
    FROM applied_changes a JOIN record_links l ON l.company_id = a.company_id AND l.record_id = a.record_id;
DROP TABLE applied_changes;
ALTER TABLE applied_changes_by_account RENAME TO applied_changes;
