-- API keys of a store's own (docs/architecture.md, "Accounts and authorization"): created and revoked by the store's
-- staff, acting for that store only on its catalog, stock, orders and webhooks. Keys without a store are the
-- operators' (the business directory's).
ALTER TABLE integration_api_keys ADD COLUMN store_id text;
CREATE INDEX ix_integration_api_keys_store ON integration_api_keys (store_id, created_at) WHERE store_id IS NOT NULL;
