-- The search read model: one row per published product, kept by triggers in the same transaction as the grain-state
-- write (product rows in orleans_storage) and the stock write (inventory_skus). There is no gap between the two writes in
-- which a crash could lose an update, and no background job to fall behind. search_reindex() rebuilds everything from
-- grain state with the same projection.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Lower-case and accent-free, so 'Café' and 'cafe' meet; the same function shapes documents and queries.
CREATE FUNCTION search_fold(value text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT lower(unaccent('unaccent'::regdictionary, coalesce(value, ''))) $$;

CREATE TABLE search_products
(
    product_id    text        NOT NULL PRIMARY KEY,
    seller_id     text        NOT NULL,
    title         text        NOT NULL,
    category      text        NOT NULL,
    currency      text        NOT NULL,
    price         bigint      NOT NULL,
    image_key     text,
    in_stock      boolean     NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    state_version integer     NOT NULL,
    -- 'simple' keeps words as written (no stemming): the catalog mixes Spanish and English, and prefix matching
    -- ("zapato" finds "zapatos") covers plurals in both.
    document      tsvector    NOT NULL
);
CREATE INDEX ix_search_products_document ON search_products USING gin (document);
CREATE INDEX ix_search_products_seller ON search_products (seller_id, created_at DESC);
CREATE INDEX ix_search_products_category ON search_products (category);
CREATE INDEX ix_search_products_price ON search_products (price);
CREATE INDEX ix_search_products_created ON search_products (created_at DESC);

-- Writes (or removes) the search row of one product from its grain state.
CREATE FUNCTION search_project_product(p_product_id text, p_state jsonb, p_version integer) RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    IF p_state IS NULL
        OR NOT coalesce((p_state ->> 'Created')::boolean, false)
        OR coalesce(p_state ->> 'Status', '') <> 'published' THEN
        DELETE FROM search_products WHERE product_id = p_product_id;
        RETURN;
    END IF;

    INSERT INTO search_products AS s (product_id, seller_id, title, category, currency, price, image_key, in_stock,
                                      created_at, updated_at, state_version, document)
    VALUES (p_product_id,
            p_state ->> 'SellerId',
            p_state ->> 'Title',
            p_state ->> 'Category',
            p_state ->> 'Currency',
            (p_state ->> 'Price')::bigint,
            p_state -> 'Images' -> 0 ->> 'Key',
            EXISTS (SELECT 1 FROM inventory_skus i WHERE i.product_id = p_product_id AND i.on_hand > i.reserved),
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

CREATE FUNCTION search_on_product_write() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM search_project_product(NEW.grain_key_string,
                                   CASE WHEN NEW.payload IS NULL THEN NULL
                                        ELSE convert_from(NEW.payload, 'UTF8')::jsonb END,
                                   NEW.version);
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_search_product
    AFTER INSERT OR UPDATE OF payload ON orleans_storage
    FOR EACH ROW
    WHEN (NEW.grain_type = 'product')
EXECUTE FUNCTION search_on_product_write();

-- In stock = at least one SKU with available units. Only a change of that answer touches the search row, so a hot SKU's
-- stream of reservations costs nothing here until it sells out (or comes back).
CREATE FUNCTION search_on_stock_write() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    UPDATE search_products
    SET in_stock = EXISTS (SELECT 1 FROM inventory_skus i WHERE i.product_id = NEW.product_id AND i.on_hand > i.reserved)
    WHERE product_id = NEW.product_id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_search_stock_insert
    AFTER INSERT ON inventory_skus
    FOR EACH ROW
EXECUTE FUNCTION search_on_stock_write();

CREATE TRIGGER trg_search_stock_update
    AFTER UPDATE ON inventory_skus
    FOR EACH ROW
    WHEN ((OLD.on_hand > OLD.reserved) IS DISTINCT FROM (NEW.on_hand > NEW.reserved))
EXECUTE FUNCTION search_on_stock_write();

-- Rebuilds the read model from grain state; answers the number of searchable products.
CREATE FUNCTION search_reindex() RETURNS integer
    LANGUAGE plpgsql AS
$$
DECLARE
    r record;
BEGIN
    LOCK TABLE search_products IN EXCLUSIVE MODE;
    DELETE FROM search_products;
    FOR r IN SELECT grain_key_string, payload, version FROM orleans_storage
             WHERE grain_type = 'product' AND payload IS NOT NULL
        LOOP
            PERFORM search_project_product(r.grain_key_string, convert_from(r.payload, 'UTF8')::jsonb, r.version);
        END LOOP;
    RETURN (SELECT count(*) FROM search_products);
END;
$$;

SELECT search_reindex();
