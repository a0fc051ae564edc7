-- Cases (issue 12): appeals, service applications, feedback and surveys a consumer files (or staff file on a
-- consumer's behalf), moved through the workflow their tenant's Lua declares. Times are Unix seconds (UTC).
-- Documents of a case live in `documents` (0009) with owner_type 'case' and owner_id = case_id.

-- Numbering registers: the last number taken in a register of a tenant. A filing takes the next number inside
-- its transaction (a conditional UPDATE of this row), so numbers are unique and without gaps.
CREATE TABLE case_registers (
    tenant_id   TEXT NOT NULL,
    register_id TEXT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, register_id)
);

-- One case. `fields` is the JSON object of the form's values (validated by the kind's Lua); `summary` the first
-- 200 characters of the kind's summary field; `search_text` its number, summary and the text of its form's values,
-- lower-cased by Unicode rules when filed and whenever its fields change (search folds case on both backends). `state_since` is when the case entered its state (timer actions
-- count from it); `due_at` the end of the running deadline; `overdue` is set once by the timer pass.
-- `answered_on_time` is set when the case reaches a final state (1 when before `due_at` or no deadline).
CREATE TABLE cases (
    tenant_id        TEXT NOT NULL,
    case_id          TEXT NOT NULL,
    kind             TEXT NOT NULL,
    register_id      TEXT NOT NULL,
    number           BIGINT NOT NULL,
    number_text      TEXT NOT NULL,
    applicant_id     TEXT NOT NULL,
    channel          TEXT NOT NULL DEFAULT 'portal'
                     CHECK (channel IN ('portal', 'phone', 'in_person', 'post', 'email', 'other')),
    state            TEXT NOT NULL,
    fields           TEXT NOT NULL DEFAULT '{}',
    summary          TEXT NOT NULL DEFAULT '',
    search_text      TEXT NOT NULL DEFAULT '',
    filed_by         TEXT,
    filed_at         BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    state_since      BIGINT NOT NULL,
    closed_at        BIGINT,
    due_at           BIGINT,
    overdue          INTEGER NOT NULL DEFAULT 0 CHECK (overdue IN (0, 1)),
    answered_on_time INTEGER CHECK (answered_on_time IN (0, 1)),
    assignee_id      TEXT,
    parent_case_id   TEXT,
    uploads_locked   INTEGER NOT NULL DEFAULT 0 CHECK (uploads_locked IN (0, 1)),
    offer_kind       TEXT,
    PRIMARY KEY (tenant_id, case_id),
    UNIQUE (tenant_id, register_id, number),
    FOREIGN KEY (tenant_id, applicant_id) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX cases_applicant ON cases (tenant_id, applicant_id, filed_at);
CREATE INDEX cases_filed ON cases (tenant_id, filed_at);
CREATE INDEX cases_state ON cases (tenant_id, state, state_since);
CREATE INDEX cases_due ON cases (tenant_id, overdue, due_at);
CREATE INDEX cases_parent ON cases (tenant_id, parent_case_id);

-- The deadlines of a case (the kind's declared deadlines, computed with the tenant's production calendar when
-- their event happens). `overdue` is set once, by the one conditional UPDATE that raises `case_overdue`.
CREATE TABLE case_deadlines (
    tenant_id   TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    deadline_id TEXT NOT NULL,
    due_at      BIGINT NOT NULL,
    overdue     INTEGER NOT NULL DEFAULT 0 CHECK (overdue IN (0, 1)),
    PRIMARY KEY (tenant_id, case_id, deadline_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, case_id) ON DELETE CASCADE
);
CREATE INDEX case_deadlines_due ON case_deadlines (tenant_id, overdue, due_at);

-- What happened to a case, in order: append-only (nothing updates or deletes a row). `fields` is the JSON
-- object of the action's inputs.
CREATE TABLE case_history (
    tenant_id  TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    actor_id   TEXT,
    actor_role TEXT NOT NULL CHECK (actor_role IN ('consumer', 'operator', 'timer', 'system')),
    action     TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    fields     TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, case_id, seq),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, case_id) ON DELETE CASCADE
);

-- Messages between the applicant and the utility about a case.
CREATE TABLE case_messages (
    tenant_id   TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    at          BIGINT NOT NULL,
    author_id   TEXT NOT NULL,
    author_role TEXT NOT NULL CHECK (author_role IN ('consumer', 'operator')),
    text        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, case_id, message_id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, case_id) ON DELETE CASCADE
);
CREATE INDEX case_messages_at ON case_messages (tenant_id, case_id, at);
