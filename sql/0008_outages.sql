-- Outages (issue 11): planned and emergency interruptions of supply a utility publishes, the addresses they
-- reach and which metering points were told about them at which stage. Times are Unix seconds (UTC).

-- One outage. `sources` is the number of independent supply sources of the addresses (1 or 2): the permitted
-- duration is 24 h with one and 2 h with two. `reminded_at` marks the planned outage whose notice ahead of time
-- the sweep has sent (the one conditional UPDATE that claims it). A `cancelled` outage was called off by an
-- operator before it started: it stays listed, marked, and counts in no statistics.
CREATE TABLE outages (
    tenant_id   TEXT NOT NULL,
    outage_id   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('planned', 'emergency')),
    reason      TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    planned_end BIGINT NOT NULL,
    actual_end  BIGINT,
    sources     INTEGER NOT NULL DEFAULT 1 CHECK (sources IN (1, 2)),
    state       TEXT NOT NULL DEFAULT 'published' CHECK (state IN ('published', 'closed', 'cancelled')),
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    reminded_at BIGINT,
    PRIMARY KEY (tenant_id, outage_id),
    CHECK (planned_end > starts_at),
    CHECK (actual_end IS NULL OR actual_end >= starts_at)
);
CREATE INDEX outages_start ON outages (tenant_id, starts_at);
CREATE INDEX outages_due ON outages (tenant_id, state, kind, reminded_at);

-- The addresses an outage reaches, in the operator's order: a street of the tenant's dictionary with its houses
-- ("10-24, 35, чёт. 2-16"; empty: the whole street), or free text (street empty).
CREATE TABLE outage_addresses (
    tenant_id TEXT NOT NULL,
    outage_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    street    TEXT NOT NULL DEFAULT '',
    houses    TEXT NOT NULL DEFAULT '',
    free_text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, outage_id, seq),
    FOREIGN KEY (tenant_id, outage_id) REFERENCES outages (tenant_id, outage_id) ON DELETE CASCADE
);
CREATE INDEX outage_addresses_street ON outage_addresses (tenant_id, street);

-- Notification bookkeeping: a metering point whose consumers were told of an outage at a stage (planned ahead
-- of time, emergency at publication, ended at closing, cancelled when called off before its start). The key keeps each stage to once per point, also when
-- two instances sweep at the same moment.
CREATE TABLE outage_notices (
    tenant_id   TEXT NOT NULL,
    outage_id   TEXT NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('planned', 'emergency', 'ended', 'cancelled')),
    point_id    TEXT NOT NULL,
    notified_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, outage_id, stage, point_id),
    FOREIGN KEY (tenant_id, outage_id) REFERENCES outages (tenant_id, outage_id) ON DELETE CASCADE
);
