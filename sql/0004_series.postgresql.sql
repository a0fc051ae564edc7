-- The volume tables of meter data: cumulative registers and power profile. tenant_id leads every key.
-- PostgreSQL: partitioned by month (RANGE on ts, Unix seconds); a default partition takes what no monthly
-- partition covers yet, and the meter-data sink creates monthly partitions as data arrives. Each partition
-- carries the primary key B-tree (tenant_id first) and a BRIN index on ts.
-- Cumulative energy registers: one row per meter, moment, kind (billing/latest) and direction.
CREATE TABLE readings (
    tenant_id  TEXT NOT NULL,
    meter_id   TEXT NOT NULL,
    ts         BIGINT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('billing', 'latest')),
    energy     TEXT NOT NULL CHECK (energy IN ('A+', 'A-', 'R+', 'R-')),
    total      DOUBLE PRECISION,
    t1         DOUBLE PRECISION,
    t2         DOUBLE PRECISION,
    t3         DOUBLE PRECISION,
    t4         DOUBLE PRECISION,
    source     TEXT NOT NULL CHECK (source IN ('driver', 'connector', 'consumer', 'operator', 'demo')),
    PRIMARY KEY (tenant_id, meter_id, energy, kind, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

-- Power profile: average power of each interval (kW / kvar), keyed by the interval's start.
CREATE TABLE profile (
    tenant_id    TEXT NOT NULL,
    meter_id     TEXT NOT NULL,
    ts           BIGINT NOT NULL,
    interval_min INTEGER NOT NULL,
    p_plus       DOUBLE PRECISION,
    p_minus      DOUBLE PRECISION,
    q_plus       DOUBLE PRECISION,
    q_minus      DOUBLE PRECISION,
    PRIMARY KEY (tenant_id, meter_id, ts)
) PARTITION BY RANGE (ts);
CREATE TABLE profile_default PARTITION OF profile DEFAULT;
-- Range scans by time across meters (reports, exports) read little with a BRIN index on the time column.
CREATE INDEX profile_ts_brin ON profile USING brin (ts);
CREATE INDEX readings_ts_brin ON readings USING brin (ts);

