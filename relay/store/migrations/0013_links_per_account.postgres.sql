-- Issue 23: two Kommo accounts connected to the same Altegio branch each keep their own lead for a record and
-- their own newest applied change, so the account joins both keys. Applied changes of records without a link
-- had no account to go to and are dropped (the next event of such a record is applied as new).
ALTER TABLE record_links DROP CONSTRAINT record_links_pkey;
ALTER TABLE record_links ADD PRIMARY KEY (account_id, company_id, record_id);

ALTER TABLE applied_changes ADD COLUMN account_id BIGINT;
UPDATE applied_changes a SET account_id = l.account_id
    FROM record_links l WHERE l.company_id = a.company_id AND l.record_id = a.record_id;
DELETE FROM applied_changes WHERE account_id IS NULL;
ALTER TABLE applied_changes ALTER COLUMN account_id SET NOT NULL;
ALTER TABLE applied_changes DROP CONSTRAINT applied_changes_pkey;
ALTER TABLE applied_changes ADD PRIMARY KEY (account_id, company_id, record_id);
