-- Supplier accounts linked by consumers (issue 14, ОЭС 360): what a supplier connector ("consumer" accounts of
-- connector_accounts, 0011) brings in and what the host forwards to it. Times are Unix seconds (UTC); money is
-- kept in kopecks (exact). `contract_id` is contracts.contract_id; `account_id` the connector account.

-- A contract's place at its supplier: which connector account reads it and under which number.
CREATE TABLE supplier_contracts (
    tenant_id       TEXT NOT NULL,
    contract_id     TEXT NOT NULL,
    connector_id    TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    PRIMARY KEY (tenant_id, contract_id)
);
CREATE INDEX supplier_contracts_account ON supplier_contracts (tenant_id, connector_id, account_id);

-- A meter whose readings go to the supplier, with the supplier's submission window (days of the month).
CREATE TABLE supplier_meters (
    tenant_id   TEXT NOT NULL,
    meter_id    TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    serial      TEXT NOT NULL,
    zones       TEXT NOT NULL DEFAULT '["T1"]',
    from_day    INTEGER NOT NULL DEFAULT 1 CHECK (from_day BETWEEN 1 AND 31),
    to_day      INTEGER NOT NULL DEFAULT 31 CHECK (to_day BETWEEN 1 AND 31),
    PRIMARY KEY (tenant_id, meter_id)
);

-- The current balance of a contract as the supplier last reported it (negative: debt).
CREATE TABLE supplier_balances (
    tenant_id   TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    balance_kop BIGINT NOT NULL,
    as_of       BIGINT NOT NULL,
    synced_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, contract_id)
);

-- Charges (accruals) and payments of a contract, each once by the supplier's id.
CREATE TABLE supplier_entries (
    tenant_id   TEXT NOT NULL,
    contract_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('charge', 'payment')),
    external_id TEXT NOT NULL,
    day         TEXT NOT NULL,
    period      TEXT NOT NULL DEFAULT '',
    amount_kop  BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    stored_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, contract_id, kind, external_id)
);
CREATE INDEX supplier_entries_day ON supplier_entries (tenant_id, contract_id, day);

-- Supplier notifications delivered to the consumer, each once by the supplier's id.
CREATE TABLE supplier_notifications (
    tenant_id    TEXT NOT NULL,
    connector_id TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    delivered_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, connector_id, account_id, external_id)
);

-- A case forwarded to the supplier: 'pending' until the supplier took it (then its id), 'failed' while it
-- refuses; `remote_state` and `answer` as last synced; `answered` once the answer came into the case.
CREATE TABLE supplier_cases (
    tenant_id    TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    connector_id TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    external_id  TEXT,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'forwarded', 'failed')),
    remote_state TEXT NOT NULL DEFAULT '',
    answer       TEXT NOT NULL DEFAULT '',
    answered     INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);
CREATE UNIQUE INDEX supplier_cases_external ON supplier_cases (tenant_id, connector_id, external_id);

-- A manual reading forwarded to the supplier: 'pending' (supplier unreachable: sent later), 'sent', 'refused'.
CREATE TABLE supplier_readings (
    tenant_id    TEXT NOT NULL,
    reading_id   TEXT NOT NULL,
    meter_id     TEXT NOT NULL,
    values_json  TEXT NOT NULL,
    taken_on     TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'refused')),
    external_id  TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL DEFAULT '',
    attempts     INTEGER NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, reading_id)
);
CREATE INDEX supplier_readings_state ON supplier_readings (tenant_id, state);
