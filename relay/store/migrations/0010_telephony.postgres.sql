-- Telephony (issue 8) and lead tracking (issue 9) put their events in the same durable inbox: two more sources.
ALTER TABLE inbox DROP CONSTRAINT inbox_source_check;
ALTER TABLE inbox ADD CONSTRAINT inbox_source_check
    CHECK (source IN ('altegio', 'kommo', 'kommo_dp', 'reconciler', 'widget', 'telephony', 'tracking'));

-- A salon chain's telephony as an account's admin connected it (store.hpp, TelephonyChain); the token is sealed.
-- Numbers are the virtual numbers as written, one per line.
CREATE TABLE telephony_chains (
    chain_key            TEXT    PRIMARY KEY,
    account_id           BIGINT  NOT NULL,
    name                 TEXT    NOT NULL,
    crm_token_sealed     TEXT    NOT NULL,
    numbers              TEXT    NOT NULL,
    new_lead_for_unknown BOOLEAN NOT NULL DEFAULT FALSE,
    enabled              BOOLEAN NOT NULL DEFAULT FALSE,
    error_key            TEXT    NOT NULL DEFAULT '',
    error_detail         TEXT    NOT NULL DEFAULT '',
    created_at_ms        BIGINT  NOT NULL,
    updated_at_ms        BIGINT  NOT NULL
);
CREATE INDEX telephony_chains_by_account ON telephony_chains (account_id);

-- What is known of each call and which of its steps are done (shared/domain/telephony.hpp, CallRecord, as JSON).
CREATE TABLE telephony_calls (
    chain_key     TEXT    NOT NULL,
    call_id       TEXT    NOT NULL,
    account_id    BIGINT  NOT NULL,
    record_json   TEXT    NOT NULL,
    updated_at_ms BIGINT  NOT NULL,
    PRIMARY KEY (chain_key, call_id)
);
CREATE INDEX telephony_calls_by_account_time ON telephony_calls (account_id, updated_at_ms);
