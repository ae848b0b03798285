-- Outbound webhooks (docs/architecture.md, "Webhooks").

-- What integrators can hear about: every row is written in the same transaction as the change it reports (projected
-- in C# from an order's, product's, questions' or reviews' grain state, or written with a SKU's counters), so an event
-- can be neither lost nor invented. Rows are keyed by a stable event id derived from the change (an order's step, a
-- product's version), so writing the same change again stores nothing. Like the warehouse's sources, each row carries
-- the id of the transaction that wrote it, and readers take rows only below the oldest running transaction.
CREATE TABLE integration_events
(
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id  text        NOT NULL UNIQUE,
    kind      text        NOT NULL,
    store_id  text        NOT NULL,
    -- What the event is about ("product:{id}", "sku:{productId}/{sku}", "order:{id}"…): deliveries of one resource
    -- to one endpoint go out in the order written.
    resource  text        NOT NULL,
    version   bigint      NOT NULL,
    at        timestamptz NOT NULL,
    data      jsonb       NOT NULL
);
CREATE INDEX ix_integration_events_feed ON integration_events (tx, id);
CREATE INDEX ix_integration_events_store_feed ON integration_events (store_id, tx, id);
CREATE INDEX ix_integration_events_at ON integration_events (at);

-- Where events go. A store's endpoints hear only that store's events; an endpoint without a store (an operator's)
-- hears every store's. The row is the endpoint grain's state.
CREATE TABLE webhook_endpoints
(
    id                       text        NOT NULL PRIMARY KEY,
    store_id                 text,
    url                      text        NOT NULL,
    events                   text[]      NOT NULL,
    description              text,
    secret                   text        NOT NULL,
    -- After a rotation the previous secret also signs until it expires, so receivers can switch without a gap.
    previous_secret          text,
    previous_secret_until    timestamptz,
    enabled                  boolean     NOT NULL,
    disabled_reason          text,
    -- Since when every delivery attempt failed (null while the endpoint answers).
    failing_since            timestamptz,
    -- The position in integration_events read up to: rows after (cursor_tx, cursor_id) are still to be fanned out.
    cursor_tx                xid8        NOT NULL,
    cursor_id                bigint      NOT NULL,
    created_at               timestamptz NOT NULL,
    created_by               text        NOT NULL,
    updated_at               timestamptz NOT NULL
);
CREATE INDEX ix_webhook_endpoints_store ON webhook_endpoints (store_id, created_at);

-- One event for one endpoint: the delivery log. Sent at least once; per (endpoint, resource) in id order.
CREATE TABLE webhook_deliveries
(
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        text        NOT NULL REFERENCES integration_events (event_id) ON DELETE CASCADE,
    kind            text        NOT NULL,
    resource        text        NOT NULL,
    -- pending: to send (again); delivered: the receiver answered 2xx; failed: given up after the retry period;
    -- superseded: a newer stock level of the same SKU replaced it before it went out.
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'superseded')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_at         timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    last_duration   integer,
    delivered_at    timestamptz,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (endpoint_id, resource, id) WHERE status = 'pending';
CREATE INDEX ix_webhook_deliveries_log ON webhook_deliveries (endpoint_id, id DESC);
CREATE INDEX ix_webhook_deliveries_event ON webhook_deliveries (event_id);
