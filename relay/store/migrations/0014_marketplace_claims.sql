-- Altegio Marketplace, issue 27: a location's telephony token when Altegio signed one into the redirect (sealed), the
-- one-time code its registration page showed (its SHA-256 only, and until when it may be used), and the Kommo
-- accounts that entered such a code: their Altegio calls for that location use the Marketplace access, no login.
ALTER TABLE marketplace_locations ADD COLUMN crm_token_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE marketplace_locations ADD COLUMN claim_code_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE marketplace_locations ADD COLUMN claim_expires_at_ms BIGINT NOT NULL DEFAULT 0;
CREATE TABLE marketplace_claims (
    account_id    BIGINT NOT NULL,
    salon_id      BIGINT NOT NULL,
    claimed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (account_id, salon_id)
);
CREATE INDEX marketplace_locations_by_claim_code ON marketplace_locations (claim_code_hash);
