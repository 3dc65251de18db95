-- API keys: shown once, stored only as a SHA-256 digest, scoped, revocable, each belonging to one org.

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    name          TEXT NOT NULL,
    -- 'pal_' and the first 8 hex digits: enough to recognise a key in a list, useless to use it.
    prefix        TEXT NOT NULL,
    -- Hex SHA-256 of the whole key.
    digest        TEXT NOT NULL UNIQUE,
    -- Comma-separated scopes: targets:read, targets:write, scans:read, scans:write, admin.
    scopes        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);

CREATE INDEX api_keys_org ON api_keys (org_id, created_at);
