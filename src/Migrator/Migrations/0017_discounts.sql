-- Coupons and promotions: what an order's discounts took off its lines, for the stores' statements.
ALTER TABLE order_listings ADD COLUMN discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0);
