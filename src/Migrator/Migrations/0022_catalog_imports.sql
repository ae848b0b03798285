-- Catalog imports (docs/architecture.md, "Catalog import and export"): a store's uploaded spreadsheet and how far its
-- import went. The web hosts run them in the background, one host per import at a time (a lease), through the store's
-- grain; a host that dies leaves its lease to run out and another runs the import again (re-importing a product that
-- is already what the file says changes nothing).
CREATE TABLE catalog_imports
(
    id               text        NOT NULL PRIMARY KEY,
    store_id         text        NOT NULL,
    -- Who asked (a staff member's user id, or "apikey:…") and how the grains see them (CallerRoles).
    created_by       text        NOT NULL,
    caller_roles     integer     NOT NULL,
    file_name        text        NOT NULL,
    -- The uploaded file; emptied once the import ended.
    content          bytea       NOT NULL,
    dry_run          boolean     NOT NULL,
    status           text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    rows             integer     NOT NULL DEFAULT 0,
    total            integer     NOT NULL DEFAULT 0,
    processed        integer     NOT NULL DEFAULT 0,
    created          integer     NOT NULL DEFAULT 0,
    updated          integer     NOT NULL DEFAULT 0,
    unchanged        integer     NOT NULL DEFAULT 0,
    failed           integer     NOT NULL DEFAULT 0,
    errors           jsonb       NOT NULL DEFAULT '[]',
    cancel_requested boolean     NOT NULL DEFAULT false,
    leased_by        text,
    lease_until      timestamptz,
    created_at       timestamptz NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);
CREATE INDEX ix_catalog_imports_store ON catalog_imports (store_id, created_at DESC);
CREATE INDEX ix_catalog_imports_open ON catalog_imports (created_at) WHERE status IN ('queued', 'running');
