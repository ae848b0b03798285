-- The order read model: one listing row per order and its lines, kept by a trigger in the same transaction as the order
-- grain's state write, so a listing can never miss or lag a stored decision. order_reindex() rebuilds both tables
-- from grain state with the same projection. The grain's JSON names properties in PascalCase and enums in camelCase.

CREATE TABLE order_listings
(
    order_id      text        NOT NULL PRIMARY KEY,
    buyer_id      text        NOT NULL,
    seller_id     text        NOT NULL,
    seller_name   text        NOT NULL,
    status        text        NOT NULL,
    currency      text        NOT NULL,
    total         bigint      NOT NULL,
    refunded      bigint      NOT NULL,
    item_count    integer     NOT NULL,
    placed_at     timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    paid_at       timestamptz,
    decide_by     timestamptz,
    -- The stored state still lists an effect to carry out (stock to release, a refund due): the order sweeper wakes it.
    needs_attention boolean   NOT NULL,
    state_version integer     NOT NULL
);
CREATE INDEX ix_order_listings_buyer ON order_listings (buyer_id, placed_at DESC, order_id);
CREATE INDEX ix_order_listings_seller ON order_listings (seller_id, placed_at DESC, order_id);
CREATE INDEX ix_order_listings_seller_status ON order_listings (seller_id, status, placed_at DESC);
CREATE INDEX ix_order_listings_seller_paid ON order_listings (seller_id, paid_at) WHERE paid_at IS NOT NULL;
-- What the order sweeper looks for: deadlines that passed, and effects not yet done.
CREATE INDEX ix_order_listings_due ON order_listings (decide_by)
    WHERE status IN ('awaitingSellerConfirmation', 'awaitingPayment');
CREATE INDEX ix_order_listings_attention ON order_listings (updated_at) WHERE needs_attention;

-- An order's lines never change once it is placed; they are written with its first listing.
CREATE TABLE order_listing_lines
(
    order_id   text    NOT NULL REFERENCES order_listings (order_id) ON DELETE CASCADE,
    line_no    integer NOT NULL,
    seller_id  text    NOT NULL,
    product_id text    NOT NULL,
    sku        text    NOT NULL,
    title      text    NOT NULL,
    quantity   integer NOT NULL,
    unit_price bigint  NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX ix_order_listing_lines_seller ON order_listing_lines (seller_id, product_id);

CREATE FUNCTION order_project(p_order_id text, p_state jsonb, p_version integer) RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    IF p_state IS NULL OR NOT coalesce((p_state ->> 'Created')::boolean, false) THEN
        DELETE FROM order_listings WHERE order_id = p_order_id;
        RETURN;
    END IF;

    INSERT INTO order_listings AS o (order_id, buyer_id, seller_id, seller_name, status, currency, total, refunded,
                                     item_count, placed_at, updated_at, paid_at, decide_by, needs_attention, state_version)
    VALUES (p_order_id,
            p_state ->> 'BuyerId',
            p_state ->> 'SellerId',
            p_state ->> 'SellerName',
            p_state ->> 'Status',
            p_state ->> 'Currency',
            (p_state ->> 'Total')::bigint,
            coalesce((SELECT sum((p ->> 'RefundedAmount')::bigint)
                      FROM jsonb_array_elements(coalesce(p_state -> 'Payments', '[]')) p), 0),
            coalesce((SELECT sum((l ->> 'Quantity')::integer)
                      FROM jsonb_array_elements(coalesce(p_state -> 'Lines', '[]')) l), 0),
            (p_state ->> 'PlacedAt')::timestamptz,
            (p_state ->> 'UpdatedAt')::timestamptz,
            (p_state ->> 'PaidAt')::timestamptz,
            (p_state ->> 'DecideBy')::timestamptz,
            coalesce(p_state ->> 'PendingStock', 'none') <> 'none'
                OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(p_state -> 'Payments', '[]')) p
                           WHERE (p ->> 'RefundDue')::bigint > 0),
            p_version)
    ON CONFLICT (order_id) DO UPDATE
        SET status = EXCLUDED.status, total = EXCLUDED.total, refunded = EXCLUDED.refunded,
            updated_at = EXCLUDED.updated_at, paid_at = EXCLUDED.paid_at, decide_by = EXCLUDED.decide_by,
            needs_attention = EXCLUDED.needs_attention, state_version = EXCLUDED.state_version;

    INSERT INTO order_listing_lines (order_id, line_no, seller_id, product_id, sku, title, quantity, unit_price)
    SELECT p_order_id, l.ordinality::integer, p_state ->> 'SellerId', l.value ->> 'ProductId', l.value ->> 'Sku',
           l.value ->> 'Title', (l.value ->> 'Quantity')::integer, (l.value ->> 'UnitPrice')::bigint
    FROM jsonb_array_elements(coalesce(p_state -> 'Lines', '[]')) WITH ORDINALITY l
    ON CONFLICT (order_id, line_no) DO NOTHING;
END;
$$;

CREATE FUNCTION order_on_write() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM order_project(NEW.grain_key_string,
                          CASE WHEN NEW.payload IS NULL THEN NULL ELSE convert_from(NEW.payload, 'UTF8')::jsonb END,
                          NEW.version);
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_order_listing
    AFTER INSERT OR UPDATE OF payload ON orleans_storage
    FOR EACH ROW
    WHEN (NEW.grain_type = 'order')
EXECUTE FUNCTION order_on_write();

-- Rebuilds the read model from grain state; answers the number of orders listed.
CREATE FUNCTION order_reindex() RETURNS integer
    LANGUAGE plpgsql AS
$$
DECLARE
    r record;
BEGIN
    LOCK TABLE order_listings IN EXCLUSIVE MODE;
    DELETE FROM order_listings;
    FOR r IN SELECT grain_key_string, payload, version FROM orleans_storage
             WHERE grain_type = 'order' AND payload IS NOT NULL
        LOOP
            PERFORM order_project(r.grain_key_string, convert_from(r.payload, 'UTF8')::jsonb, r.version);
        END LOOP;
    RETURN (SELECT count(*) FROM order_listings);
END;
$$;
