-- The marketplace's money as an immutable, double-entry ledger in minor units per currency. An order's entries
-- (capture allocations, refund reversals) are appended in the transaction that stores the order; payouts append
-- theirs. Accounts: gateway, store_payable, shipping, tax, commission, bank (kept per store and currency).
CREATE TABLE ledger_entries
(
    entry_key  text        NOT NULL PRIMARY KEY,
    order_id   text,
    payout_id  text,
    seller_id  text        NOT NULL,
    currency   text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('capture', 'refund', 'payout')),
    debit      text        NOT NULL,
    credit     text        NOT NULL,
    amount     bigint      NOT NULL CHECK (amount > 0),
    source     text        NOT NULL,
    at         timestamptz NOT NULL,
    CHECK (debit <> credit)
);
CREATE INDEX ix_ledger_entries_order ON ledger_entries (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX ix_ledger_entries_payout ON ledger_entries (payout_id) WHERE payout_id IS NOT NULL;
CREATE INDEX ix_ledger_entries_store ON ledger_entries (seller_id, currency, at);

-- Entries are never changed or removed: corrections are new entries.
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed or removed';
END;
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();

-- What the order kept of its payments, so the ledger check compares the ledger with the orders from the database;
-- when it was delivered, from which its return window runs (its money is paid out once the window has closed).
ALTER TABLE order_listings
    ADD COLUMN captured          bigint NOT NULL DEFAULT 0,
    ADD COLUMN captured_refunded bigint NOT NULL DEFAULT 0,
    ADD COLUMN delivered_at      timestamptz;

-- A payout batch: every store's available balance up to a period's end, paid to the stores' banks. Its ledger entries
-- (store accounts → bank) are appended with the batch, so a second batch only finds what is left; the batch is then
-- exported for the bank and marked paid.
CREATE TABLE payout_batches
(
    payout_id       text        NOT NULL PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    period_end      timestamptz NOT NULL,
    status          text        NOT NULL CHECK (status IN ('created', 'paid')),
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    paid_at         timestamptz
);

CREATE TABLE payout_lines
(
    payout_id  text   NOT NULL REFERENCES payout_batches,
    seller_id  text   NOT NULL,
    currency   text   NOT NULL,
    amount     bigint NOT NULL CHECK (amount > 0),
    PRIMARY KEY (payout_id, seller_id, currency)
);
