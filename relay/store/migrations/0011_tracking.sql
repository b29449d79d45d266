-- Lead tracking (issue 9): what is known of each lead a tracker posted and what was done with it
-- (shared/domain/tracking.hpp, TrackedLead, as JSON). next_search_ms > 0: mode find, a deal still to be looked for then.
CREATE TABLE tracked_leads (
    account_id     BIGINT NOT NULL,
    lead_id        TEXT   NOT NULL,
    record_json    TEXT   NOT NULL,
    next_search_ms BIGINT NOT NULL DEFAULT 0,
    updated_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (account_id, lead_id)
);
CREATE INDEX tracked_leads_searches_due ON tracked_leads (next_search_ms) WHERE next_search_ms > 0;
CREATE INDEX tracked_leads_by_account_time ON tracked_leads (account_id, updated_at_ms);
