-- Issue 28: the account's Kommo contacts by phone, so a record's duplicate search costs no Kommo search. A phone is
-- kept as the last ten digits of its national number (as the search asks Kommo); contact_index says how far the
-- index is: filled page by page ('filling', next_page), then 'ready' and brought up to date with the contacts
-- Kommo changed since changed_up_to (unix seconds), asked at checked_at_ms. country_code is the account's default
-- the phones were read with: another one means filling again.
CREATE TABLE contact_phones (
    account_id BIGINT NOT NULL,
    phone      TEXT   NOT NULL,
    contact_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, phone, contact_id)
);
CREATE INDEX contact_phones_by_contact ON contact_phones (account_id, contact_id);
CREATE TABLE contact_index (
    account_id    BIGINT PRIMARY KEY,
    state         TEXT   NOT NULL,
    country_code  TEXT   NOT NULL DEFAULT '',
    next_page     BIGINT NOT NULL DEFAULT 1,
    changed_up_to BIGINT NOT NULL DEFAULT 0,
    checked_at_ms BIGINT NOT NULL DEFAULT 0
);
