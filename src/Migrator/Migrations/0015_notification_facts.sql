-- What a notification says, as facts (product, order reference, amount and currency…) beside its English words, so
-- the inbox page, the emails and the digest word it again in the reader's language. Older rows have none and keep
-- their words.
ALTER TABLE notifications ADD COLUMN facts jsonb;
ALTER TABLE email_intake ADD COLUMN facts jsonb;
ALTER TABLE email_digest ADD COLUMN facts jsonb;
