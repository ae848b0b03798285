-- Inventory keeps its own tables instead of a JSON blob in orleans_storage. A hot SKU takes thousands of reservations a
-- second; the inventory grain groups the operations that arrive while a write is in flight and stores each group as one
-- transaction that touches only what changed (the counters row, the changed reservation rows, new adjustments). A blob
-- would rewrite every open reservation and the idempotency history on every write.

CREATE TABLE inventory_skus
(
    sku_id        text        NOT NULL PRIMARY KEY, -- productId/sku
    product_id    text        NOT NULL,
    sku           text        NOT NULL,
    seller_id     text        NOT NULL,
    initial_stock integer     NOT NULL,
    adjustments   bigint      NOT NULL,
    on_hand       integer     NOT NULL,
    reserved      integer     NOT NULL,
    sold          integer     NOT NULL,
    version       bigint      NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    -- DESIGN §4.1, enforced by the database as the last line of defence.
    CONSTRAINT ck_inventory_available CHECK (reserved >= 0 AND on_hand >= reserved),
    CONSTRAINT ck_inventory_sold CHECK (sold >= 0 AND initial_stock >= 0),
    CONSTRAINT ck_inventory_conservation CHECK (on_hand::bigint + sold = initial_stock + adjustments)
);
CREATE INDEX ix_inventory_skus_product ON inventory_skus (product_id);

-- One row per order and SKU. Settled rows (committed, released, expired) stay as the idempotency record.
CREATE TABLE inventory_reservations
(
    sku_id     text        NOT NULL REFERENCES inventory_skus (sku_id),
    order_id   text        NOT NULL,
    quantity   integer     NOT NULL CHECK (quantity > 0),
    expires_at timestamptz NOT NULL,
    status     text        NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
    created_at timestamptz NOT NULL,
    settled_at timestamptz,
    PRIMARY KEY (sku_id, order_id)
);
CREATE INDEX ix_inventory_reservations_held ON inventory_reservations (sku_id) WHERE status = 'held';
CREATE INDEX ix_inventory_reservations_order ON inventory_reservations (order_id);

-- Every change of on-hand units made by a seller, keyed by an id so a retried request applies once.
CREATE TABLE inventory_adjustments
(
    sku_id        text        NOT NULL REFERENCES inventory_skus (sku_id),
    adjustment_id text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('set', 'restock')),
    delta         integer     NOT NULL,
    on_hand_after integer     NOT NULL,
    at            timestamptz NOT NULL,
    PRIMARY KEY (sku_id, adjustment_id)
);

-- Stock created before this migration lived in orleans_storage under the state name 'inventory'; carry it over.
INSERT INTO inventory_skus (sku_id, product_id, sku, seller_id, initial_stock, adjustments, on_hand, reserved, sold, version,
                            created_at, updated_at)
SELECT s.grain_key_string,
       split_part(s.grain_key_string, '/', 1),
       substr(s.grain_key_string, length(split_part(s.grain_key_string, '/', 1)) + 2),
       p ->> 'SellerId',
       (p ->> 'InitialStock')::integer,
       (p ->> 'Adjustments')::bigint,
       (p ->> 'OnHand')::integer,
       0,
       (p ->> 'Sold')::integer,
       1,
       s.modified_at,
       s.modified_at
FROM orleans_storage s
         CROSS JOIN LATERAL (SELECT convert_from(s.payload, 'UTF8')::jsonb AS p) j
WHERE s.grain_type = 'inventory'
  AND s.payload IS NOT NULL
  AND coalesce((p ->> 'Initialized')::boolean, false)
ON CONFLICT (sku_id) DO NOTHING;
DELETE FROM orleans_storage WHERE grain_type = 'inventory';
