-- Foundation: the tenants as loaded from tenants/<id>/tenant.lua, and their hosts.
-- Every table holding tenant data has tenant_id first in its primary key and indexes
-- (the distribution column when sharded by tenant).
CREATE TABLE tenants (
    tenant_id     TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    short_name    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('active', 'failed')),
    error         TEXT,
    config_hash   TEXT,
    first_seen_at TIMESTAMPTZ NOT NULL,
    loaded_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE tenant_hosts (
    tenant_id TEXT NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    host      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, host)
);
