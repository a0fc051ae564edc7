-- Files a connector imported (XML 80020 of ПК «Энергосфера»: dropped into its folder or uploaded by staff),
-- one row per file received, with what became of it. Times are Unix seconds (UTC).
--   state: accepted (every value of known points stored), duplicate (the same bytes were imported before, or
--   every value equalled what was stored), malformed (nothing readable: not XML, truncated, no day),
--   partial (some points set aside or unknown).
--   malformed_json: [{"code", "reason"}] of the points set aside ("" code: the whole file);
--   unknown_json: ["<measuring-point code>", …] linked to no meter; codes_json: {"<code>": {"values", "digest"}} of the
--   file's readable points, digest the SHA-256 of the point's values (equal values in a later file of the day are
--   duplicates).
CREATE TABLE connector_files (
    tenant_id        TEXT NOT NULL,
    connector_id     TEXT NOT NULL,
    file_id          TEXT NOT NULL,
    name             TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    size             BIGINT NOT NULL DEFAULT 0,
    source           TEXT NOT NULL CHECK (source IN ('drop_folder', 'upload')),
    received_at      BIGINT NOT NULL,
    day              TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('accepted', 'duplicate', 'malformed', 'partial')),
    reason           TEXT NOT NULL DEFAULT '',
    values_total     BIGINT NOT NULL DEFAULT 0,
    values_accepted  BIGINT NOT NULL DEFAULT 0,
    values_duplicate BIGINT NOT NULL DEFAULT 0,
    unknown_json     TEXT NOT NULL DEFAULT '[]',
    malformed_json   TEXT NOT NULL DEFAULT '[]',
    codes_json       TEXT NOT NULL DEFAULT '{}',
    uploaded_by      TEXT,
    PRIMARY KEY (tenant_id, connector_id, file_id)
);
CREATE INDEX connector_files_received ON connector_files (tenant_id, connector_id, received_at);
CREATE INDEX connector_files_sha ON connector_files (tenant_id, connector_id, sha256);
