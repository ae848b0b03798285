-- Returns: sold units coming back to the shelf ('return') or written off ('write-off'). `returned` is how many units
-- left `sold`; `delta` stays what the change adds to the SKU's adjustments (0 for a return, −returned for a write-off).
ALTER TABLE inventory_adjustments ADD COLUMN returned integer NOT NULL DEFAULT 0 CHECK (returned >= 0);
ALTER TABLE inventory_adjustments DROP CONSTRAINT inventory_adjustments_kind_check;
ALTER TABLE inventory_adjustments ADD CONSTRAINT inventory_adjustments_kind_check CHECK (kind IN ('set', 'restock', 'return', 'write-off'));
