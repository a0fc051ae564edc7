-- The newest register reading of each meter, direction and kind: a copy of one row of `readings` per key,
-- kept by the meter-data sink in the transaction that writes the readings (an older reading sent later does
-- not replace a newer one; the same moment sent again does). Point lists read it by primary key instead of
-- looking for the newest row across the monthly partitions of `readings`.
CREATE TABLE latest_readings (
    tenant_id  TEXT NOT NULL,
    meter_id   TEXT NOT NULL,
    energy     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ts         BIGINT NOT NULL,
    total      DOUBLE PRECISION,
    t1         DOUBLE PRECISION,
    t2         DOUBLE PRECISION,
    t3         DOUBLE PRECISION,
    t4         DOUBLE PRECISION,
    source     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, meter_id, energy, kind)
);

INSERT INTO latest_readings (tenant_id, meter_id, energy, kind, ts, total, t1, t2, t3, t4, source)
SELECT r.tenant_id, r.meter_id, r.energy, r.kind, r.ts, r.total, r.t1, r.t2, r.t3, r.t4, r.source
FROM readings r
WHERE r.ts = (SELECT MAX(x.ts) FROM readings x WHERE x.tenant_id = r.tenant_id AND x.meter_id = r.meter_id AND
              x.energy = r.energy AND x.kind = r.kind);
