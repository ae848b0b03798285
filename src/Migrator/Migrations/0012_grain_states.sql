-- Grain state moves to the marketplace's own storage provider (src/Grains/Storage): one row per grain state, keyed by
-- state name and grain key, the state as plain JSON. Writes are batched per silo and every read model is now a C#
-- projection written by that provider in the same transaction as the state row, so the triggers and PL/pgSQL
-- projections on orleans_storage (and the in-stock trigger on inventory_skus) are dropped: no business rule stays in
-- SQL. Every stored state is carried over with its version; the read models keep their rows.
--
-- This is a stop-the-world upgrade (docs/operations.md): silos of the previous release write orleans_storage, which
-- is gone afterwards, so they must be stopped before this runs.

CREATE TABLE grain_states
(
    grain_type text        NOT NULL,
    grain_key  text        NOT NULL,
    version    integer     NOT NULL,
    payload    json        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key)
);

-- One row per grain (the newest, should a database ever have held two service ids); cleared states had no payload.
INSERT INTO grain_states (grain_type, grain_key, version, payload, updated_at)
SELECT DISTINCT ON (grain_type, grain_key_string)
       grain_type, grain_key_string, version, convert_from(payload, 'UTF8')::json, modified_at
FROM orleans_storage
WHERE payload IS NOT NULL AND grain_key_string IS NOT NULL
ORDER BY grain_type, grain_key_string, version DESC;

DROP TRIGGER trg_search_product ON orleans_storage;
DROP TRIGGER trg_order_listing ON orleans_storage;
DROP TRIGGER trg_store_directory ON orleans_storage;
DROP TRIGGER trg_search_stock_insert ON inventory_skus;
DROP TRIGGER trg_search_stock_update ON inventory_skus;
DROP TRIGGER trg_search_products_stamp ON search_products;
DROP TRIGGER trg_store_directory_stamp ON store_directory;
DROP TRIGGER trg_search_products_removed ON search_products;

DROP FUNCTION search_on_product_write();
DROP FUNCTION search_project_product(text, jsonb, integer);
DROP FUNCTION search_on_stock_write();
DROP FUNCTION search_reindex();
DROP FUNCTION search_fold(text);
DROP FUNCTION order_on_write();
DROP FUNCTION order_project(text, jsonb, integer);
DROP FUNCTION order_reindex();
DROP FUNCTION project_store_directory();
DROP FUNCTION stamp_change_xid();
DROP FUNCTION search_on_product_removed();

DROP TABLE orleans_storage;
DROP FUNCTION orleans_storage_write(integer, bigint, bigint, integer, varchar, varchar, varchar, integer, bytea);
DELETE FROM OrleansQuery WHERE QueryKey IN ('WriteToStorageKey', 'ReadFromStorageKey', 'ClearStorageKey', 'DeleteStorageKey');

-- Search documents are now prepared in C# (the same words and weights, in the tsvector text form the web hosts read);
-- the rows already written keep theirs.
ALTER TABLE search_products ALTER COLUMN document TYPE text USING document::text;
