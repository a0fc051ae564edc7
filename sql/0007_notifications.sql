-- The notification centre (SPEC §2.6): one notification per event, its recipients (read and acknowledged per
-- person) and, per recipient and channel, a delivery (in-app, e-mail, SMS) whose mail or text message is a row
-- of the outbox. Replaces the operators' notification records of 0005 (tamper events), whose rows move here:
-- each becomes a `meter_tamper` notification received by the tenant's operators and administrators of now.
-- Times are Unix seconds (UTC).

CREATE TABLE notifications_0005 AS SELECT * FROM notifications;
DROP TABLE notifications;

-- One event told to people. `refs` is a JSON array [{type, id, label}] of what it is about (label: human
-- text). `dedupe_key` makes a raise idempotent per tenant and kind; `broadcast_id` names an operator's
-- broadcast the notification belongs to.
CREATE TABLE notifications (
    tenant_id       TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    kind            TEXT NOT NULL,
    category        TEXT NOT NULL,
    severity        TEXT NOT NULL DEFAULT 'info' CHECK (severity IN ('info', 'warning', 'critical')),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    refs            TEXT NOT NULL DEFAULT '[]',
    created_at      BIGINT NOT NULL,
    dedupe_key      TEXT,
    broadcast_id    TEXT,
    PRIMARY KEY (tenant_id, notification_id)
);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (tenant_id, kind, dedupe_key);
CREATE INDEX notifications_created ON notifications (tenant_id, created_at);
CREATE INDEX notifications_broadcast ON notifications (tenant_id, broadcast_id);

-- Who received a notification. created_at repeats the notification's, so that "my latest N before X" and
-- "my unread count" are one index range each.
CREATE TABLE notification_recipients (
    tenant_id       TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    read_at         BIGINT,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    PRIMARY KEY (tenant_id, notification_id, user_id),
    FOREIGN KEY (tenant_id, notification_id) REFERENCES notifications (tenant_id, notification_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX notification_recipients_latest ON notification_recipients (tenant_id, user_id, created_at, notification_id);
CREATE INDEX notification_recipients_unread ON notification_recipients (tenant_id, user_id) WHERE read_at IS NULL;

-- How a notification reached (or did not reach) a recipient on a channel: in_app is 'sent' when stored;
-- email/sms are 'queued' with the outbox message (whose state then tells queued / sent / failed),
-- 'not_wanted' (the person switched the category or channel off, or has no address), or 'digest' (waits
-- for the person's daily digest mail, message_id set when it was queued).
CREATE TABLE notification_deliveries (
    tenant_id       TEXT NOT NULL,
    notification_id TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'not_wanted', 'digest')),
    message_id      TEXT,
    error           TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, notification_id, user_id, channel),
    FOREIGN KEY (tenant_id, notification_id, user_id)
        REFERENCES notification_recipients (tenant_id, notification_id, user_id) ON DELETE CASCADE
);
CREATE INDEX notification_deliveries_digest ON notification_deliveries (tenant_id, user_id) WHERE state = 'digest' AND message_id IS NULL;

-- A person's channel and digest choices; NULL = the tenant's default. Category switches stay in
-- users.notifications_json (the profile's `notifications` map). last_digest_at: when the last digest pass
-- for the person ran.
CREATE TABLE notification_settings (
    tenant_id      TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    email          INTEGER,
    sms            INTEGER,
    digest         INTEGER,
    last_digest_at BIGINT NOT NULL DEFAULT 0,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE
);

INSERT INTO notifications (tenant_id, notification_id, kind, category, severity, title, body, refs, created_at, dedupe_key)
SELECT o.tenant_id, o.notification_id, CASE o.kind WHEN 'tamper' THEN 'meter_tamper' ELSE o.kind END, 'alerts', 'critical',
       o.title, o.body,
       CASE WHEN m.meter_id IS NULL THEN '[]'
            ELSE '[{"type":"meter","id":"' || m.meter_id || '","label":"' || REPLACE(REPLACE(m.serial, '\', ''), '"', '') || '"}]' END,
       o.created_at, o.ref
FROM notifications_0005 o
LEFT JOIN meters m ON m.tenant_id = o.tenant_id AND m.meter_id = o.meter_id;

INSERT INTO notification_recipients (tenant_id, notification_id, user_id, created_at, read_at)
SELECT o.tenant_id, o.notification_id, u.user_id, o.created_at, CASE WHEN o.state = 'read' THEN o.created_at END
FROM notifications_0005 o
JOIN users u ON u.tenant_id = o.tenant_id AND u.role IN ('operator', 'tenant-admin') AND u.state = 'active';

INSERT INTO notification_deliveries (tenant_id, notification_id, user_id, channel, state, updated_at)
SELECT tenant_id, notification_id, user_id, 'in_app', 'sent', created_at FROM notification_recipients;

DROP TABLE notifications_0005;
