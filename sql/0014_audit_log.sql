-- One audit log of the tenant, written by the core: besides the guesses of identifiers (kind `guess`, as in
-- 0006) the logins (`login`: success, failure, refused while throttled, a disabled account), operators'
-- grants of access (`grant`), their other actions (`operator`: manual readings decided, broadcasts sent) and
-- the tenant administrator's staff actions (`staff`: an account created, disabled, enabled, its second
-- factor reset). `user_id` is who acted or tried ('' when a login named nobody), `target_id` the account
-- acted upon ('' when none); `tried` stays masked; `details` is a JSON object of what else the entry names
-- (a grant's scope and number). No CHECK on actions and outcomes: a new action needs no migration. The
-- table is rebuilt with its rows (SQLite cannot drop a CHECK constraint).
CREATE TABLE audit_log_v2 (
    tenant_id      TEXT NOT NULL,
    audit_id       TEXT NOT NULL,
    at_ms          BIGINT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('guess', 'login', 'grant', 'staff', 'operator')),
    user_id        TEXT NOT NULL,
    target_id      TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    tried          TEXT NOT NULL DEFAULT '',
    client_address TEXT NOT NULL DEFAULT '',
    outcome        TEXT NOT NULL DEFAULT '',
    details        TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, audit_id)
);
INSERT INTO audit_log_v2 (tenant_id, audit_id, at_ms, kind, user_id, action, tried, client_address, outcome)
    SELECT tenant_id, audit_id, at_ms, 'guess', user_id, action, tried, client_address, outcome FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_v2 RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log (tenant_id, at_ms);
CREATE INDEX audit_log_kind ON audit_log (tenant_id, kind, at_ms);
