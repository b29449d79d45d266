-- What several relays on one database need (PostgreSQL mostly; SQLite keeps the same contract for one relay):
-- which relay claimed an event, named leases with an expiry (a relay's heartbeat, the token refresh of an
-- account, the reconciler), and the places of calls counted by a shared rate limit.
ALTER TABLE inbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';

CREATE TABLE leases (
    name          TEXT    PRIMARY KEY,
    holder        TEXT    NOT NULL,
    expires_at_ms INTEGER NOT NULL
);

CREATE TABLE rate_places (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    key            TEXT    NOT NULL,
    taken_at_ms    INTEGER NOT NULL,
    answered_at_ms INTEGER              -- NULL while the call is in flight
);
CREATE INDEX rate_places_by_key ON rate_places (key, id);
