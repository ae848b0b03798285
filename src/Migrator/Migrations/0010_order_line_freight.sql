-- Shipping agreed per line at checkout (OrderLine.Freight), kept in the order's line listing so dashboards can add it
-- up. Rows written before this migration have no Freight property: 0. The projection is otherwise that of 0006, except
-- that the lines (which never change once placed) are written with the order's first listing only, not tried again on
-- every later write of the order.

ALTER TABLE order_listing_lines ADD COLUMN freight bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION order_project(p_order_id text, p_state jsonb, p_version integer) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    v_first boolean;
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
            needs_attention = EXCLUDED.needs_attention, state_version = EXCLUDED.state_version
    RETURNING (xmax = 0) INTO v_first;

    IF NOT v_first THEN
        RETURN;
    END IF;

    INSERT INTO order_listing_lines (order_id, line_no, seller_id, product_id, sku, title, quantity, unit_price, freight)
    SELECT p_order_id, l.ordinality::integer, p_state ->> 'SellerId', l.value ->> 'ProductId', l.value ->> 'Sku',
           l.value ->> 'Title', (l.value ->> 'Quantity')::integer, (l.value ->> 'UnitPrice')::bigint,
           coalesce((l.value ->> 'Freight')::bigint, 0)
    FROM jsonb_array_elements(coalesce(p_state -> 'Lines', '[]')) WITH ORDINALITY l
    ON CONFLICT (order_id, line_no) DO NOTHING;
END;
$$;

-- Listings written before: their lines' freight from the stored state.
UPDATE order_listing_lines t
SET freight = coalesce((l.value ->> 'Freight')::bigint, 0)
FROM orleans_storage s
         CROSS JOIN LATERAL jsonb_array_elements(coalesce(convert_from(s.payload, 'UTF8')::jsonb -> 'Lines', '[]')) WITH ORDINALITY l
WHERE s.grain_type = 'order' AND s.payload IS NOT NULL AND t.order_id = s.grain_key_string AND t.line_no = l.ordinality
  AND (l.value ->> 'Freight') IS NOT NULL;
