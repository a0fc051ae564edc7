-- Contracts, personal accounts, metering points, meters and their data; access of consumers to them;
-- background jobs. Times are Unix seconds (UTC). tenant_id leads every key and index. The two volume tables,
-- readings and profile, come in 0004 with each backend's own storage.
CREATE TABLE contracts (
    tenant_id      TEXT NOT NULL,
    contract_id    TEXT NOT NULL,
    number         TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'supply',
    consumer_name  TEXT NOT NULL DEFAULT '',
    consumer_kind  TEXT NOT NULL DEFAULT 'individual',
    inn            TEXT,
    ogrn           TEXT,
    legal_address  TEXT NOT NULL DEFAULT '',
    actual_address TEXT NOT NULL DEFAULT '',
    supplier       TEXT NOT NULL DEFAULT '',
    valid_from     TEXT,
    valid_to       TEXT,
    PRIMARY KEY (tenant_id, contract_id)
);
CREATE UNIQUE INDEX contracts_number ON contracts (tenant_id, number);
CREATE INDEX contracts_ogrn ON contracts (tenant_id, ogrn);

CREATE TABLE accounts (
    tenant_id   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    number      TEXT NOT NULL,
    contract_id TEXT,
    holder_name TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, account_id)
);
CREATE UNIQUE INDEX accounts_number ON accounts (tenant_id, number);

CREATE TABLE metering_points (
    tenant_id          TEXT NOT NULL,
    point_id           TEXT NOT NULL,
    account_id         TEXT,
    contract_id        TEXT,
    name               TEXT NOT NULL,
    number             TEXT NOT NULL,
    resource           TEXT NOT NULL DEFAULT 'electricity',
    address            TEXT NOT NULL DEFAULT '',
    installation_place TEXT NOT NULL DEFAULT '',
    commissioned_on    TEXT,
    tariff             TEXT NOT NULL DEFAULT 'T1',
    power_limit_kw     DOUBLE PRECISION,
    PRIMARY KEY (tenant_id, point_id)
);
CREATE INDEX points_account ON metering_points (tenant_id, account_id);
CREATE INDEX points_contract ON metering_points (tenant_id, contract_id);

CREATE TABLE meters (
    tenant_id            TEXT NOT NULL,
    meter_id             TEXT NOT NULL,
    point_id             TEXT NOT NULL,
    model                TEXT NOT NULL,
    modification         TEXT NOT NULL DEFAULT '',
    serial               TEXT NOT NULL,
    register_number      TEXT NOT NULL DEFAULT '',
    accuracy_class       TEXT NOT NULL DEFAULT '',
    nominal_voltage      TEXT NOT NULL DEFAULT '',
    current_range        TEXT NOT NULL DEFAULT '',
    phases               INTEGER NOT NULL DEFAULT 1,
    tariff_zones         INTEGER NOT NULL DEFAULT 1,
    smart                INTEGER NOT NULL DEFAULT 0,
    virtual              INTEGER NOT NULL DEFAULT 0,
    installed_on         TEXT,
    verified_on          TEXT,
    verification_years   INTEGER,
    next_verification_on TEXT,
    PRIMARY KEY (tenant_id, meter_id)
);
CREATE INDEX meters_point ON meters (tenant_id, point_id);
CREATE UNIQUE INDEX meters_serial ON meters (tenant_id, model, serial);

CREATE TABLE transformers (
    tenant_id      TEXT NOT NULL,
    meter_id       TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('current', 'voltage')),
    phase          TEXT NOT NULL CHECK (phase IN ('A', 'B', 'C')),
    model          TEXT NOT NULL DEFAULT '',
    serial         TEXT NOT NULL DEFAULT '',
    ratio          TEXT NOT NULL,
    accuracy_class TEXT NOT NULL DEFAULT '',
    verified_on    TEXT,
    PRIMARY KEY (tenant_id, meter_id, kind, phase)
);

-- Instantaneous network parameters per phase ('A', 'B', 'C', or 'S' for the sum / single phase).
CREATE TABLE network_params (
    tenant_id TEXT NOT NULL,
    meter_id  TEXT NOT NULL,
    ts        BIGINT NOT NULL,
    phase     TEXT NOT NULL CHECK (phase IN ('A', 'B', 'C', 'S')),
    voltage   DOUBLE PRECISION,
    current   DOUBLE PRECISION,
    p         DOUBLE PRECISION,
    q         DOUBLE PRECISION,
    s         DOUBLE PRECISION,
    pf        DOUBLE PRECISION,
    frequency DOUBLE PRECISION,
    angle     DOUBLE PRECISION,
    PRIMARY KEY (tenant_id, meter_id, ts, phase)
);

CREATE TABLE meter_events (
    tenant_id TEXT NOT NULL,
    meter_id  TEXT NOT NULL,
    ts_start  BIGINT NOT NULL,
    code      TEXT NOT NULL,
    category  TEXT NOT NULL,
    severity  TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'alarm')),
    text      TEXT NOT NULL,
    ts_end    BIGINT,
    tamper    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, meter_id, ts_start, code)
);

-- What a user may see: accounts, contracts or single metering points, and how access was given.
CREATE TABLE access_grants (
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('account', 'contract', 'point')),
    ref_id     TEXT NOT NULL,
    way        TEXT NOT NULL CHECK (way IN ('account_number', 'ogrn_contract', 'supplier_login', 'operator_grant', 'virtual')),
    title      TEXT,
    granted_by TEXT,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, scope, ref_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

-- Manual readings waiting for (or decided by) an operator.
CREATE TABLE manual_readings (
    tenant_id    TEXT NOT NULL,
    submission_id TEXT NOT NULL,
    meter_id     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    ts           BIGINT NOT NULL,
    t1           DOUBLE PRECISION,
    t2           DOUBLE PRECISION,
    t3           DOUBLE PRECISION,
    t4           DOUBLE PRECISION,
    total        DOUBLE PRECISION NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'rejected')),
    reason       TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT,
    PRIMARY KEY (tenant_id, submission_id)
);
CREATE INDEX manual_state ON manual_readings (tenant_id, state, submitted_at);

-- Background jobs (archive exports …): stored, so they resume after a restart.
CREATE TABLE jobs (
    tenant_id    TEXT NOT NULL,
    job_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    params_json  TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('requested', 'running', 'done', 'failed')),
    run_after    BIGINT NOT NULL,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    result_path  TEXT,
    error        TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, job_id)
);
CREATE INDEX jobs_due ON jobs (tenant_id, state, run_after);
