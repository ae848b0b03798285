-- Insights: what happens in the marketplace, kept for the warehouse's ETL (docs/architecture.md, "Insights").
-- Both tables are append-only sources. Every row carries the id of the transaction that wrote it, so the ETL reads
-- "rows after the last one it loaded, written by transactions that have all ended" and never skips a row that commits
-- late: it reads only below the oldest transaction still running (pg_snapshot_xmin).

-- An order's steps (placed, paid, shipped, delivered, cancelled…, each return received), projected in C# from the order
-- grain's state in the same transaction as the state row: an order event cannot be lost or written twice.
CREATE TABLE order_events
(
    id        bigint GENERATED ALWAYS AS IDENTITY,
    tx        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    order_id  text        NOT NULL,
    kind      text        NOT NULL,
    -- Tells apart events of one kind in one order (a return's id); '' when there is only one.
    ref       text        NOT NULL DEFAULT '',
    at        timestamptz NOT NULL,
    buyer_id  text        NOT NULL,
    seller_id text        NOT NULL,
    units     integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, kind, ref)
);
CREATE INDEX ix_order_events_feed ON order_events (tx, id);

-- What visitors do on pages and through the API (views, searches, clicks, carts, checkouts, questions, reviews),
-- written in batches by the web hosts. Losing a few under overload is acceptable; order events never come from here.
CREATE TABLE analytics_events
(
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    at           timestamptz NOT NULL,
    kind         text        NOT NULL,
    -- The user id, or the guest id of a visitor without an account.
    visitor_id   text        NOT NULL,
    product_id   text,
    seller_id    text,
    search_query text,
    result_count integer,
    position     integer,
    quantity     integer,
    language     text,
    currency     text
);
CREATE INDEX ix_analytics_events_feed ON analytics_events (tx, id);
CREATE INDEX ix_analytics_events_visitor ON analytics_events (visitor_id, at DESC);
CREATE INDEX ix_analytics_events_at ON analytics_events (at);

-- Visitors who asked not to be recorded (besides browsers that send Do-Not-Track or Global Privacy Control).
CREATE TABLE analytics_opt_outs
(
    visitor_id text        NOT NULL PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now()
);

-- Visitors whose events were erased (a deleted account): the warehouse removes them from its copy too.
CREATE TABLE analytics_erasures
(
    id         bigint GENERATED ALWAYS AS IDENTITY,
    tx         xid8        NOT NULL DEFAULT pg_current_xact_id(),
    visitor_id text        NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_analytics_erasures_feed ON analytics_erasures (tx, id);

-- Names this database to the warehouse: a warehouse file filled from another database (one dropped and created again
-- under the same name) sees a different id and loads everything again instead of trusting its marks.
CREATE TABLE insights_source
(
    source_id  uuid        NOT NULL PRIMARY KEY DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO insights_source DEFAULT VALUES;

-- The recommendation model the warehouse computes after each ETL run, for the web hosts to serve from memory:
-- products bought by the same customers, and products popular with visitors of each language ('' = everyone).
-- recommendation_models.version changes with every published model; a web host reloads when it sees a new one.
CREATE TABLE recommendation_pairs
(
    product_id text    NOT NULL,
    related_id text    NOT NULL,
    score      real    NOT NULL,
    buyers     integer NOT NULL,
    PRIMARY KEY (product_id, related_id)
);

CREATE TABLE recommendation_popular
(
    language   text NOT NULL,
    product_id text NOT NULL,
    score      real NOT NULL,
    PRIMARY KEY (language, product_id)
);

CREATE TABLE recommendation_models
(
    id       integer     NOT NULL PRIMARY KEY CHECK (id = 1),
    version  bigint      NOT NULL,
    built_at timestamptz NOT NULL,
    pairs    integer     NOT NULL,
    popular  integer     NOT NULL
);

-- Exports an admin downloads: the monthly graph export (openCypher CSV files in a zip, for a graph database's bulk
-- import) and the warehouse's tables as Parquet. A job is queued, run by the warehouse grain (again after a crash),
-- and its files are kept here, so any web host can serve them.
CREATE TABLE exports
(
    export_id    text        NOT NULL PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('graph', 'parquet')),
    month        date,
    status       text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    error        text
);
CREATE INDEX ix_exports_requested ON exports (requested_at DESC);
-- One scheduled graph export per month.
CREATE UNIQUE INDEX ix_exports_scheduled ON exports (month) WHERE kind = 'graph' AND requested_by = 'schedule';

CREATE TABLE export_files
(
    export_id    text   NOT NULL REFERENCES exports (export_id) ON DELETE CASCADE,
    name         text   NOT NULL,
    content_type text   NOT NULL,
    bytes        bigint NOT NULL,
    content      bytea  NOT NULL,
    PRIMARY KEY (export_id, name)
);

-- Order history from before the marketplace (a store that moves here brings its past sales; the demo brings a generated
-- one): facts for the warehouse only. These orders have no grain, no listing and no ledger entry, so they never reach
-- order pages, statements or payouts; the warehouse's reports and recommendations count them.
CREATE TABLE imported_orders
(
    id           bigint GENERATED ALWAYS AS IDENTITY,
    tx           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    order_id     text        NOT NULL PRIMARY KEY,
    seller_id    text        NOT NULL,
    buyer_id     text        NOT NULL,
    currency     text        NOT NULL,
    status       text        NOT NULL,
    total        bigint      NOT NULL CHECK (total >= 0),
    commission   bigint      NOT NULL DEFAULT 0 CHECK (commission >= 0),
    placed_at    timestamptz NOT NULL,
    paid_at      timestamptz,
    delivered_at timestamptz
);
CREATE INDEX ix_imported_orders_feed ON imported_orders (tx, id);

CREATE TABLE imported_order_lines
(
    order_id   text    NOT NULL REFERENCES imported_orders (order_id) ON DELETE CASCADE,
    line_no    integer NOT NULL,
    product_id text    NOT NULL,
    sku        text    NOT NULL,
    title      text    NOT NULL,
    quantity   integer NOT NULL CHECK (quantity > 0),
    unit_price bigint  NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, line_no)
);
