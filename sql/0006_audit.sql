-- The audit log operators read: every missed and every refused guess of an identifier that gives access to
-- metering data (a personal account number, also one given for a virtual meter; a contract number for an
-- ОГРН). What was tried is kept masked (its last two characters only), never whole. Times are Unix
-- milliseconds, so that entries of one second keep their order. No foreign key: an entry outlives the
-- account it names.
CREATE TABLE audit_log (
    tenant_id      TEXT NOT NULL,
    audit_id       TEXT NOT NULL,
    at_ms          BIGINT NOT NULL,
    user_id        TEXT NOT NULL,
    action         TEXT NOT NULL CHECK (action IN ('account_number', 'ogrn_contract', 'virtual_meter_account')),
    tried          TEXT NOT NULL,
    client_address TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('miss', 'locked', 'refused')),
    PRIMARY KEY (tenant_id, audit_id)
);
CREATE INDEX audit_log_at ON audit_log (tenant_id, at_ms);
