-- Documents (issue 12): files people attach to cases and messages, kept in the database so that every
-- instance on one database serves them. One row per document (its owner, the document type of the owner's
-- rules, the cleaned file name, the type sniffed from the content, size and SHA-256 hex) and its bytes in
-- chunks of 256 KiB, numbered from 0, so no step holds a whole file in memory. Times are Unix seconds (UTC).
-- Chunk bytes are BYTEA here (the SQLite pair uses BLOB).
CREATE TABLE documents (
    tenant_id    TEXT NOT NULL,
    document_id  TEXT NOT NULL,
    owner_type   TEXT NOT NULL,
    owner_id     TEXT NOT NULL,
    ref          TEXT NOT NULL DEFAULT '',
    type         TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_type    TEXT NOT NULL,
    size         BIGINT NOT NULL DEFAULT 0 CHECK (size >= 0),
    sha256       TEXT NOT NULL DEFAULT '',
    chunks       INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, document_id)
);
CREATE INDEX documents_owner ON documents (tenant_id, owner_type, owner_id, created_at);

CREATE TABLE document_chunks (
    tenant_id   TEXT NOT NULL,
    document_id TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    bytes       BYTEA NOT NULL,
    PRIMARY KEY (tenant_id, document_id, seq),
    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, document_id) ON DELETE CASCADE
);
