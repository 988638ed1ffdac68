-- Stripe-style ordering and exact replays (design-v2 §8).
--
-- events.sequence: strictly increasing per payment in transition order (refund events included),
-- NULL for events that belong to no payment. Computed at insert as the payment's last sequence + 1;
-- every writer of a payment's events holds that payment's row lock (or creates the payment in the
-- same statement), and the unique index turns any violation of that rule into an error instead of a
-- silent tie. Existing events are numbered by id (ids were minted in transition order).
ALTER TABLE events ADD COLUMN sequence integer;

UPDATE events
   SET sequence = numbered.n
  FROM (SELECT id, row_number() OVER (PARTITION BY payment_id ORDER BY id) AS n
          FROM events WHERE payment_id IS NOT NULL) AS numbered
 WHERE events.id = numbered.id;

ALTER TABLE events ADD CONSTRAINT events_sequence_chk
  CHECK ((payment_id IS NULL AND sequence IS NULL) OR (payment_id IS NOT NULL AND sequence >= 1));
CREATE UNIQUE INDEX events_payment_sequence_uq ON events (payment_id, sequence) WHERE payment_id IS NOT NULL;

-- The exact response text an idempotent request answered, replayed byte for byte
-- (response_body as jsonb reorders object keys). Rows completed before this column keep response_body.
ALTER TABLE idempotency_keys ADD COLUMN response_text text;
