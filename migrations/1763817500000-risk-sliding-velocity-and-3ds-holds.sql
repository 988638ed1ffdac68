-- Risk (issue 15, follow-up): velocity over sliding windows of the merchant clock (the last hour, the
-- last 24 hours, instead of fixed UTC buckets), and what risk keeps about a card payment while it waits
-- for 3-D Secure (the rules still to run once the customer has authenticated).

-- The fixed-bucket counters are replaced; velocity restarts from zero (at most a day of history is lost).
DROP TABLE risk_velocity_counters;

-- One row per counted payment: a charge on a card / IP / e-mail, or a failed payment on a card
-- (card_declines). key_hash is an HMAC/SHA-256 (card fingerprint, IP, e-mail): never the card number.
-- `at` is the merchant-clock time of the payment. Rows older than a day are deleted (by the bump of
-- their key once counted out of both windows, or by the periodic sweep).
CREATE TABLE risk_velocity_events (
  merchant_id  text        NOT NULL,
  dimension    text        NOT NULL,
  key_hash     text        NOT NULL,
  at           timestamptz NOT NULL,
  CONSTRAINT risk_velocity_events_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT risk_velocity_events_dimension_chk CHECK (dimension IN ('card', 'ip', 'email', 'card_declines'))
);
CREATE INDEX risk_velocity_events_key_at_idx ON risk_velocity_events (merchant_id, dimension, key_hash, at);

-- One row per charge key (card, ip, email): the lock concurrent creates on one key take turns on, and
-- running totals so a count costs O(1) amortised instead of a scan of the window:
--   count in (cursor_time, now] = total - expired, where expired = events at or before the cursor
-- (each bump moves the cursors to now - 1 h / now - 24 h, counting only the events it passes).
CREATE TABLE risk_velocity_keys (
  merchant_id   text        NOT NULL,
  dimension     text        NOT NULL,
  key_hash      text        NOT NULL,
  total         bigint      NOT NULL,
  latest_at     timestamptz NOT NULL,
  hour_cursor   timestamptz NOT NULL,
  hour_expired  bigint      NOT NULL,
  day_cursor    timestamptz NOT NULL,
  day_expired   bigint      NOT NULL,
  CONSTRAINT risk_velocity_keys_pk PRIMARY KEY (merchant_id, dimension, key_hash),
  CONSTRAINT risk_velocity_keys_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT risk_velocity_keys_dimension_chk CHECK (dimension IN ('card', 'ip', 'email')),
  CONSTRAINT risk_velocity_keys_counts_chk CHECK (total >= hour_expired AND hour_expired >= day_expired AND day_expired >= 0)
);
CREATE INDEX risk_velocity_keys_merchant_latest_idx ON risk_velocity_keys (merchant_id, latest_at);

-- A card payment waiting for 3-D Secure: the signals it was scored with, its card fingerprint, and
-- whether a request_3ds rule sent it there (then allow/block/review run after authentication) or the
-- rule already decided at creation. Deleted when the challenge ends.
CREATE TABLE risk_3ds_holds (
  payment_id        text        PRIMARY KEY,
  merchant_id       text        NOT NULL,
  card_fingerprint  text        NOT NULL,
  signals           jsonb       NOT NULL,
  rule              jsonb,
  deferred          boolean     NOT NULL,
  created_at        timestamptz NOT NULL,
  CONSTRAINT risk_3ds_holds_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT risk_3ds_holds_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE
);
CREATE INDEX risk_3ds_holds_merchant_idx ON risk_3ds_holds (merchant_id, created_at);
