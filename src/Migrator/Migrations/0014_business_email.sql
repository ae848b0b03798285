-- Business emails: every stored notification is also handed to the mailer, which routes it by its recipient's choice
-- (an email now, the daily digest, or the inbox only); and announcements to many people at once.

-- Notifications waiting to be routed. The notification store writes a row in the statement that stores the
-- notification, so an email is decided with the notification that causes it; the mailer takes rows (SKIP LOCKED, so
-- web hosts share the work) and deletes them in the transaction that queues their emails.
CREATE TABLE email_intake
(
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         text        NOT NULL,
    notification_id text        NOT NULL,
    source_key      text        NOT NULL,
    kind            text        NOT NULL,
    title           text        NOT NULL,
    body            text        NOT NULL,
    link            text,
    created_at      timestamptz NOT NULL
);

-- Notifications a person chose to receive as a daily digest, until their digest is sent.
CREATE TABLE email_digest
(
    user_id         text        NOT NULL,
    notification_id text        NOT NULL,
    kind            text        NOT NULL,
    title           text        NOT NULL,
    body            text        NOT NULL,
    link            text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, notification_id)
);
CREATE INDEX ix_email_digest_created ON email_digest (created_at);

-- An announcement to a segment of people (all sellers, all shoppers, the past buyers of one store). The expander turns
-- it into queued emails in batches by user id: expanded_through is the last user id queued, so a process that dies
-- half-way resumes after it, and the emails' keys (recipient, announcement) make a batch repeated after a crash queue
-- nothing twice.
CREATE TABLE announcements
(
    announcement_id  text        NOT NULL PRIMARY KEY,
    author_id        text        NOT NULL,
    seller_id        text,
    -- Written by the store's staff (held to one a week) rather than by an admin.
    by_store         boolean     NOT NULL,
    segment          text        NOT NULL CHECK (segment IN ('sellers', 'shoppers', 'storeBuyers')),
    subject_en       text        NOT NULL,
    body_en          text        NOT NULL,
    subject_es       text        NOT NULL,
    body_es          text        NOT NULL,
    status           text        NOT NULL DEFAULT 'expanding' CHECK (status IN ('expanding', 'queued')),
    expanded_through text,
    recipients       integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL
);
CREATE INDEX ix_announcements_seller ON announcements (seller_id, created_at DESC) WHERE seller_id IS NOT NULL;
CREATE INDEX ix_announcements_expanding ON announcements (created_at) WHERE status = 'expanding';
