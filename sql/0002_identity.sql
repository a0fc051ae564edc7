-- Identity: users, consents, one-time tokens, sessions, recovery codes, login throttling, and the outbox
-- of mails and text messages. Times are Unix seconds (BIGINT) on both backends. tenant_id leads every key.
CREATE TABLE users (
    tenant_id          TEXT NOT NULL REFERENCES tenants (tenant_id),
    user_id            TEXT NOT NULL,
    kind               TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('consumer', 'operator', 'tenant-admin', 'platform-admin')),
    state              TEXT NOT NULL CHECK (state IN ('pending', 'active', 'disabled')),
    login_field        TEXT NOT NULL,
    login              TEXT NOT NULL,
    email              TEXT,
    email_verified     INTEGER NOT NULL DEFAULT 0,
    phone              TEXT,
    phone_verified     INTEGER NOT NULL DEFAULT 0,
    password_hash      TEXT NOT NULL,
    fields_json        TEXT NOT NULL DEFAULT '{}',
    notifications_json TEXT NOT NULL DEFAULT '{}',
    second_factor      TEXT CHECK (second_factor IN ('sms', 'totp')),
    totp_secret        TEXT,
    totp_last_step     BIGINT NOT NULL DEFAULT 0,
    pending_factor     TEXT,
    pending_secret     TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);
CREATE UNIQUE INDEX users_login ON users (tenant_id, login);
CREATE UNIQUE INDEX users_email ON users (tenant_id, email);

CREATE TABLE consents (
    tenant_id      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    consent_id     TEXT NOT NULL,
    version        TEXT NOT NULL,
    given_at       BIGINT NOT NULL,
    client_address TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, consent_id, version),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

-- One-time secrets: e-mail links, pending registrations, phone codes, login challenges. Only hashes.
CREATE TABLE tokens (
    tenant_id  TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX tokens_user ON tokens (tenant_id, user_id, purpose);

CREATE TABLE sessions (
    tenant_id      TEXT NOT NULL,
    token_hash     TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    remember       INTEGER NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    client_address TEXT NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE recovery_codes (
    tenant_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

-- Failed logins per account and per client address, for growing delays and lockout.
CREATE TABLE login_throttle (
    tenant_id    TEXT NOT NULL,
    throttle_key TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, throttle_key)
);

-- Mails and text messages to deliver; survives restarts. A message leaves 'queued' only when delivered
-- ('sent') or given up ('failed').
CREATE TABLE outbox (
    tenant_id       TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    html            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT,
    PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX outbox_due ON outbox (tenant_id, state, next_attempt_at);
