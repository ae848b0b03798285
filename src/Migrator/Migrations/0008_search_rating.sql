-- Search results show a product's rating: the sum of its reviews' stars and their count, from the product's state.
-- The projection is 0005's (in_stock read with the SKU rows locked FOR SHARE) with the two rating columns added.
ALTER TABLE search_products ADD COLUMN rating_sum bigint NOT NULL DEFAULT 0;
ALTER TABLE search_products ADD COLUMN rating_count integer NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION search_project_product(p_product_id text, p_state jsonb, p_version integer) RETURNS void
    LANGUAGE plpgsql AS
$$
DECLARE
    v_in_stock boolean;
BEGIN
    IF p_state IS NULL
        OR NOT coalesce((p_state ->> 'Created')::boolean, false)
        OR coalesce(p_state ->> 'Status', '') <> 'published' THEN
        DELETE FROM search_products WHERE product_id = p_product_id;
        RETURN;
    END IF;

    SELECT coalesce(bool_or(on_hand > reserved), false) INTO v_in_stock
    FROM (SELECT on_hand, reserved FROM inventory_skus WHERE product_id = p_product_id FOR SHARE) skus;

    INSERT INTO search_products AS s (product_id, seller_id, title, category, currency, price, image_key, in_stock,
                                      created_at, updated_at, state_version, rating_sum, rating_count, document)
    VALUES (p_product_id,
            p_state ->> 'SellerId',
            p_state ->> 'Title',
            p_state ->> 'Category',
            p_state ->> 'Currency',
            (p_state ->> 'Price')::bigint,
            p_state -> 'Images' -> 0 ->> 'Key',
            v_in_stock,
            (p_state ->> 'CreatedAt')::timestamptz,
            (p_state ->> 'UpdatedAt')::timestamptz,
            p_version,
            coalesce((p_state ->> 'RatingSum')::bigint, 0),
            coalesce((p_state ->> 'RatingCount')::integer, 0),
            setweight(to_tsvector('simple', search_fold(p_state ->> 'Title')), 'A') ||
            setweight(to_tsvector('simple', search_fold(replace(p_state ->> 'Category', '-', ' '))), 'B') ||
            setweight(to_tsvector('simple', search_fold(concat_ws(' ',
                    (SELECT string_agg(a.key || ' ' || a.value, ' ')
                     FROM jsonb_each_text(coalesce(p_state -> 'Attributes', '{}')) a),
                    (SELECT string_agg(o.value, ' ')
                     FROM jsonb_array_elements(coalesce(p_state -> 'Variants', '[]')) v,
                          jsonb_each_text(coalesce(v -> 'Options', '{}')) o)))), 'C') ||
            setweight(to_tsvector('simple', search_fold(p_state ->> 'Description')), 'D'))
    ON CONFLICT (product_id) DO UPDATE
        SET seller_id = EXCLUDED.seller_id, title = EXCLUDED.title, category = EXCLUDED.category,
            currency = EXCLUDED.currency, price = EXCLUDED.price, image_key = EXCLUDED.image_key,
            in_stock = EXCLUDED.in_stock, updated_at = EXCLUDED.updated_at, state_version = EXCLUDED.state_version,
            rating_sum = EXCLUDED.rating_sum, rating_count = EXCLUDED.rating_count, document = EXCLUDED.document;
END;
$$;
