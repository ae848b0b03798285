-- Search is answered from an in-memory index in each web host, fed from the search read model. Every row of
-- search_products and store_directory now carries the id of the transaction that last wrote it, and removed products
-- leave a tombstone, so a web host can ask "what changed since the transactions I have seen" without missing a
-- transaction that was still running when it last asked (see docs/architecture.md, "Search").

CREATE FUNCTION stamp_change_xid() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    RETURN NEW;
END;
$$;

ALTER TABLE search_products ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX ix_search_products_change ON search_products (change_xid);
CREATE TRIGGER trg_search_products_stamp
    BEFORE INSERT OR UPDATE ON search_products
    FOR EACH ROW
EXECUTE FUNCTION stamp_change_xid();

ALTER TABLE store_directory ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX ix_store_directory_change ON store_directory (change_xid);
CREATE TRIGGER trg_store_directory_stamp
    BEFORE INSERT OR UPDATE ON store_directory
    FOR EACH ROW
EXECUTE FUNCTION stamp_change_xid();

-- A product that stops being searchable (unpublished, archived, rebuilt away) must reach the indexes too. Tombstones
-- older than any index can still be behind are pruned by the web hosts.
CREATE TABLE search_removals
(
    product_id text        NOT NULL,
    change_xid xid8        NOT NULL DEFAULT pg_current_xact_id(),
    -- The time of the removal itself, not of its transaction's start: a long reindex must not leave tombstones that
    -- look old enough to prune the moment it commits.
    removed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ix_search_removals_change ON search_removals (change_xid);
CREATE INDEX ix_search_removals_removed ON search_removals (removed_at);

CREATE FUNCTION search_on_product_removed() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    INSERT INTO search_removals (product_id) VALUES (OLD.product_id);
    RETURN OLD;
END;
$$;

CREATE TRIGGER trg_search_products_removed
    AFTER DELETE ON search_products
    FOR EACH ROW
EXECUTE FUNCTION search_on_product_removed();

-- Queries no longer run in PostgreSQL, so the text index only cost writes.
DROP INDEX ix_search_products_document;
DROP INDEX ix_search_products_category;
DROP INDEX ix_search_products_price;
DROP INDEX ix_search_products_created;

-- in_stock is read with the product's SKU rows locked FOR SHARE: a product write then waits for a stock transaction
-- that is changing one of them and sees its result. Without the lock, an edit racing a SKU selling out could write
-- back the answer from before, and a new product racing its first stock change could miss it.
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
                                      created_at, updated_at, state_version, document)
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
            document = EXCLUDED.document;
END;
$$;
