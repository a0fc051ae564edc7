-- Metering points are found by their number when the registry takes points from imports, connectors and the
-- demo roster (MeterRegistry::upsertPoint); without an index each lookup read all the tenant's points.
CREATE INDEX points_number ON metering_points (tenant_id, number);
