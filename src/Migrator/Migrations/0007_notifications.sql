-- Notification inboxes: one row per notification, written by the user's inbox grain. The id derives from the user and
-- the event that caused the notification, so delivering an event again inserts nothing.
CREATE TABLE notifications (
    user_id         text        NOT NULL,
    notification_id text        NOT NULL,
    source_key      text        NOT NULL,
    kind            text        NOT NULL,
    title           text        NOT NULL,
    body            text        NOT NULL,
    link            text,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    PRIMARY KEY (user_id, notification_id)
);

CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, notification_id DESC);
CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC, notification_id DESC) WHERE read_at IS NULL;

-- An order with notices not yet delivered needs attention too: the order sweeper wakes it and it delivers them.
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
                           WHERE (p ->> 'RefundDue')::bigint > 0)
                OR jsonb_array_length(coalesce(p_state -> 'Notices', '[]')) > 0,
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
