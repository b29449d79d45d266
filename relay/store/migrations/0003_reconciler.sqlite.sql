-- How far the reconciler has read each branch's changes (Altegio's changed_after), per installation.
CREATE TABLE reconciler_watermarks (
    account_id    INTEGER NOT NULL,
    company_id    INTEGER NOT NULL,
    changed_after TEXT    NOT NULL,
    PRIMARY KEY (account_id, company_id)
);
