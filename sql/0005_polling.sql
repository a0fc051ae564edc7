-- Meter polling: the gateways in front of RS-485 buses and modems, how each meter is reached, what is due
-- when, the history of poll attempts, and notification records for operators (tamper journal events).
-- Times are Unix seconds (UTC).

-- A TCP endpoint: a transparent RS-485/TCP converter, a GSM/Ethernet modem or a meter's own port. Behind a
-- gateway one dialogue runs at a time (one bus); the instance that holds the lease runs it.
CREATE TABLE gateways (
    tenant_id   TEXT NOT NULL,
    gateway_id  TEXT NOT NULL,
    host        TEXT NOT NULL,
    port        INTEGER NOT NULL CHECK (port > 0 AND port < 65536),
    title       TEXT NOT NULL DEFAULT '',
    lease_owner TEXT,
    lease_until BIGINT,
    PRIMARY KEY (tenant_id, gateway_id)
);

-- How a meter is polled: which driver, behind which gateway, with which settings (the driver's meter
-- settings as a JSON object: address, password, ...). What polling learnt of the meter is kept here too.
CREATE TABLE meter_links (
    tenant_id     TEXT NOT NULL,
    meter_id      TEXT NOT NULL,
    gateway_id    TEXT NOT NULL,
    driver        TEXT NOT NULL,
    settings      TEXT NOT NULL DEFAULT '{}',
    enabled       INTEGER NOT NULL DEFAULT 1,
    firmware      TEXT,
    clock_drift_s BIGINT,
    PRIMARY KEY (tenant_id, meter_id),
    FOREIGN KEY (tenant_id, meter_id) REFERENCES meters (tenant_id, meter_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, gateway_id) REFERENCES gateways (tenant_id, gateway_id)
);
CREATE INDEX meter_links_gateway ON meter_links (tenant_id, gateway_id);

-- One row per meter and schedule of the tenant's polling rules: when it is due next and how the last tries
-- went (attempts counts failures in a row, for the back-off).
CREATE TABLE poll_jobs (
    tenant_id       TEXT NOT NULL,
    meter_id        TEXT NOT NULL,
    schedule        TEXT NOT NULL,
    next_run        BIGINT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_run        BIGINT,
    last_ok         BIGINT,
    last_error      TEXT,
    last_error_kind TEXT,
    PRIMARY KEY (tenant_id, meter_id, schedule),
    FOREIGN KEY (tenant_id, meter_id) REFERENCES meter_links (tenant_id, meter_id) ON DELETE CASCADE
);
CREATE INDEX poll_jobs_due ON poll_jobs (next_run);

-- Every poll attempt: what it stored or why it failed.
CREATE TABLE poll_log (
    tenant_id   TEXT NOT NULL,
    meter_id    TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    schedules   TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'partial', 'error')),
    error_kind  TEXT,
    message     TEXT NOT NULL DEFAULT '',
    stored_rows INTEGER NOT NULL DEFAULT 0,
    instance    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, meter_id, started_at, seq)
);

-- Notification records for a tenant's operators (the notification service delivers them). `ref` makes a
-- record idempotent: the same tamper event stored twice raises one notification.
CREATE TABLE notifications (
    tenant_id       TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    audience        TEXT NOT NULL DEFAULT 'operators',
    kind            TEXT NOT NULL,
    ref             TEXT NOT NULL,
    meter_id        TEXT,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'sent', 'read')),
    PRIMARY KEY (tenant_id, notification_id)
);
CREATE UNIQUE INDEX notifications_ref ON notifications (tenant_id, kind, ref);
CREATE INDEX notifications_state ON notifications (tenant_id, state, created_at);
