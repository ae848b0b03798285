-- The order sweeper (one reminder for all orders instead of one per order) finds the orders to wake in the read model:
-- those whose deadline passed, and those whose stored state still lists an effect to carry out (stock to release, a
-- refund due), which the projection now records as needs_attention.

ALTER TABLE order_listings ADD COLUMN needs_attention boolean NOT NULL DEFAULT false;
CREATE INDEX ix_order_listings_due ON order_listings (decide_by)
    WHERE status IN ('awaitingSellerConfirmation', 'awaitingPayment');
CREATE INDEX ix_order_listings_attention ON order_listings (updated_at) WHERE needs_attention;

CREATE OR REPLACE FUNCTION order_project(p_order_id text, p_state jsonb, p_version integer) RETURNS void
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

SELECT order_reindex();
