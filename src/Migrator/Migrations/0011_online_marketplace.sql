-- The Online Marketplace benchmark's compatibility module (off unless OnlineMarketplace:Enabled): which marketplace ids
-- its integer keys became, what was ingested (for a reset), and its orders' place in the delivery queue. Written by
-- the module's grains; nothing else reads these tables.

CREATE TABLE om_sellers
(
    external_id integer PRIMARY KEY,
    seller_id   text    NOT NULL UNIQUE
);

CREATE TABLE om_customers
(
    external_id integer PRIMARY KEY,
    user_id     text    NOT NULL UNIQUE
);

-- The product as ingested (JSON of OmProduct) and the stock the ingestion set: what a reset goes back to.
CREATE TABLE om_products
(
    seller_external  integer NOT NULL,
    product_external integer NOT NULL,
    product_id       text    NOT NULL UNIQUE,
    seller_id        text    NOT NULL,
    ingested         jsonb,
    ingested_stock   integer,
    PRIMARY KEY (seller_external, product_external)
);

-- One row per order a benchmark checkout created; open until the benchmark's delivery step delivered it. The order
-- itself (status, lines, totals) stays in order_listings: this is only the queue and the benchmark's keys. A delivery
-- step claims the rows it picked until claimed_until, so concurrent steps never pick the same order, and one that died
-- half way leaves its claims to run out.
CREATE TABLE om_orders
(
    order_id          text    PRIMARY KEY,
    seller_id         text    NOT NULL,
    customer_external integer NOT NULL,
    partition_no      integer NOT NULL,
    checkout_id       text    NOT NULL,
    shipment_id       text    NOT NULL,
    seq               bigint GENERATED ALWAYS AS IDENTITY,
    open              boolean NOT NULL DEFAULT true,
    claimed_until     timestamptz
);
CREATE INDEX ix_om_orders_open ON om_orders (partition_no, seq) WHERE open;
CREATE INDEX ix_om_orders_seller ON om_orders (seller_id);
