-- Upstream connectors (plugins talking to WAVIoT, Энергосфера, a supplier's billing): the upstream accounts
-- they sync for, the scheduled tasks of each account with their cursors, the history of syncs, and the
-- upstream devices with the meters they were linked to. Times are Unix seconds (UTC).

-- One upstream account of a tenant's connector: the tenant's own (account_id 'tenant', its credentials in the
-- server's configuration) or a consumer's (a supplier login, user_id set). `secret` is SecretBox-sealed JSON
-- (e.g. {"token": …}); `state_json` is non-secret account data the plugin returned. One sync runs per account
-- at a time: the instance that holds the lease (lease_key = '<connector>/<account>') talks to the upstream.
-- auth_failed: the upstream refused the credentials; the account's jobs wait until its secret changes.
CREATE TABLE connector_accounts (
    tenant_id    TEXT NOT NULL,
    connector_id TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('tenant', 'consumer')),
    user_id      TEXT,
    title        TEXT NOT NULL DEFAULT '',
    secret       TEXT NOT NULL DEFAULT '',
    state_json   TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL,
    disabled     INTEGER NOT NULL DEFAULT 0,
    auth_failed  INTEGER NOT NULL DEFAULT 0,
    lease_key    TEXT NOT NULL,
    lease_owner  TEXT,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, connector_id, account_id)
);
CREATE UNIQUE INDEX connector_accounts_lease ON connector_accounts (tenant_id, lease_key);
CREATE INDEX connector_accounts_user ON connector_accounts (tenant_id, user_id);

-- One row per account and task the tenant declared: when it is due, where the last good sync stopped
-- (cursor), and how the last tries went (attempts counts failures in a row, for the back-off).
CREATE TABLE connector_jobs (
    tenant_id       TEXT NOT NULL,
    connector_id    TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    task            TEXT NOT NULL,
    next_run        BIGINT NOT NULL,
    cursor          TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_run        BIGINT,
    last_ok         BIGINT,
    last_error      TEXT,
    last_error_kind TEXT,
    stored_rows     BIGINT NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, connector_id, account_id, task),
    FOREIGN KEY (tenant_id, connector_id, account_id) REFERENCES connector_accounts (tenant_id, connector_id, account_id) ON DELETE CASCADE
);
CREATE INDEX connector_jobs_due ON connector_jobs (next_run);

-- The history of syncs (scheduled and run on demand), newest read first.
CREATE TABLE connector_log (
    tenant_id    TEXT NOT NULL,
    connector_id TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    task         TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    duration_ms  BIGINT NOT NULL DEFAULT 0,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'error')),
    error_kind   TEXT,
    message      TEXT NOT NULL DEFAULT '',
    records      BIGINT NOT NULL DEFAULT 0,
    stored_rows  BIGINT NOT NULL DEFAULT 0,
    problems     BIGINT NOT NULL DEFAULT 0,
    instance     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, connector_id, started_at, seq)
);

-- Upstream devices (a WAVIoT modem, an 80020 measuring point, a supplier's meter) and the meter each is
-- (meter_id NULL: not linked; its data is dropped and counted). info_json: what the last "device" record said.
CREATE TABLE connector_devices (
    tenant_id    TEXT NOT NULL,
    connector_id TEXT NOT NULL,
    device_key   TEXT NOT NULL,
    meter_id     TEXT,
    info_json    TEXT NOT NULL DEFAULT '{}',
    seen_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, connector_id, device_key)
);
CREATE INDEX connector_devices_meter ON connector_devices (tenant_id, meter_id);
