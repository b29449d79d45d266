-- Single-use keys (issue 23): the ids of disposable tokens already used, shared by every relay on the database, so
-- a captured token cannot be replayed through another relay. Rows past expires_at (unix seconds) are deleted.
CREATE TABLE used_keys (
    token_key  TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX used_keys_by_expiry ON used_keys (expires_at);
