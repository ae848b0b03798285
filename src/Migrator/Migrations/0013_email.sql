-- Email: the language each account reads, the queue of emails decided and not yet sent, the addresses that must
-- not be written to again, and what each person chose to receive. Accounts that exist before email verification
-- count as verified.

ALTER TABLE users ADD COLUMN culture varchar(10) NOT NULL DEFAULT 'en';
UPDATE users SET email_confirmed = true WHERE NOT email_confirmed;

-- One row per (recipient, source event): email_key derives from the pair (Marketplace.Email.EmailKeys), so deciding
-- the same email twice stores it once. status: queued → sent, or dead after the last failed attempt (an operator may
-- queue it again), or suppressed (the address bounced before it was sent).
CREATE TABLE email_outbox
(
    email_key       text        NOT NULL PRIMARY KEY,
    to_address      text        NOT NULL,
    to_name         text,
    user_id         text,
    culture         varchar(10) NOT NULL,
    kind            text        NOT NULL,
    source_key      text        NOT NULL,
    model           jsonb,
    store_name      text,
    campaign_id     text,
    status          text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'dead', 'suppressed')),
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz,
    sent_at         timestamptz,
    last_error      text
);
-- What a sender takes next.
CREATE INDEX ix_email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'queued';
-- Rate limits look back at what was recently sent to an address; the admin page lists by status.
CREATE INDEX ix_email_outbox_address ON email_outbox (lower(to_address), kind, created_at);
CREATE INDEX ix_email_outbox_status ON email_outbox (status, created_at DESC);
CREATE INDEX ix_email_outbox_campaign ON email_outbox (campaign_id, status) WHERE campaign_id IS NOT NULL;

-- Addresses the relay refused for good (a hard bounce): no further email goes to them until an operator lifts it.
CREATE TABLE email_suppressions
(
    address    text        NOT NULL PRIMARY KEY,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL
);

-- A person's channel per kind of business email (Marketplace.Email.EmailPreferences); a kind without a row has its
-- default.
CREATE TABLE email_preferences
(
    user_id    text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL,
    channel    text        NOT NULL CHECK (channel IN ('email', 'digest', 'inApp')),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Kinds someone without an account (an invited address) asked not to receive again, by one-click unsubscribe.
CREATE TABLE email_unsubscribes
(
    address    text        NOT NULL,
    kind       text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (address, kind)
);
