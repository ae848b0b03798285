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
    removed_at timestamptz NOT NULL DEFAULT now()
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
