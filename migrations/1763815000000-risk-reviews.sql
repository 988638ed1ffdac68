-- Risk (issue 15): the outcome on every payment, merchant rules, velocity counters and reviews.

-- Payments created before this migration have no outcome (NULL).
ALTER TABLE payments ADD COLUMN outcome jsonb;

-- A merchant's rules. The two defaults are created lazily, once per merchant (risk_rule_defaults
-- remembers it, so deleting a default does not bring it back).
CREATE TABLE risk_rules (
  id           text        PRIMARY KEY,
  merchant_id  text        NOT NULL,
  action       text        NOT NULL,
  predicate    text        NOT NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT risk_rules_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT risk_rules_action_chk CHECK (action IN ('request_3ds', 'allow', 'block', 'review')),
  CONSTRAINT risk_rules_predicate_chk CHECK (char_length(predicate) BETWEEN 1 AND 1000)
);
CREATE INDEX risk_rules_merchant_idx ON risk_rules (merchant_id, id);

CREATE TABLE risk_rule_defaults (
  merchant_id  text        PRIMARY KEY,
  created_at   timestamptz NOT NULL,
  CONSTRAINT risk_rule_defaults_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE
);

-- Velocity: one counter per (dimension, hashed key, window) bucket on the merchant clock, bumped by an
-- atomic upsert inside payment creation so concurrent creates each see their own exact count.
-- key_hash is an HMAC/SHA-256 (card fingerprint, IP, e-mail): never the card number.
CREATE TABLE risk_velocity_counters (
  merchant_id   text        NOT NULL,
  dimension     text        NOT NULL,
  key_hash      text        NOT NULL,
  window_kind   text        NOT NULL,
  window_start  timestamptz NOT NULL,
  count         integer     NOT NULL,
  CONSTRAINT risk_velocity_counters_pk PRIMARY KEY (merchant_id, dimension, key_hash, window_kind, window_start),
  CONSTRAINT risk_velocity_counters_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT risk_velocity_counters_dimension_chk CHECK (dimension IN ('card', 'ip', 'email', 'card_declines')),
  CONSTRAINT risk_velocity_counters_window_chk CHECK (window_kind IN ('hour', 'day')),
  CONSTRAINT risk_velocity_counters_count_chk CHECK (count > 0)
);

CREATE TABLE reviews (
  id             text        PRIMARY KEY,
  merchant_id    text        NOT NULL,
  payment_id     text        NOT NULL,
  status         text        NOT NULL,
  reason         text        NOT NULL,
  closed_reason  text,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  CONSTRAINT reviews_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT reviews_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE,
  CONSTRAINT reviews_status_chk CHECK (status IN ('open', 'closed')),
  CONSTRAINT reviews_closed_reason_chk CHECK (
    (status = 'open' AND closed_reason IS NULL) OR (status = 'closed' AND closed_reason IN ('approved', 'refunded')))
);
CREATE INDEX reviews_merchant_idx ON reviews (merchant_id, id DESC);
CREATE INDEX reviews_merchant_status_idx ON reviews (merchant_id, status, id DESC);
CREATE UNIQUE INDEX reviews_payment_open_idx ON reviews (payment_id) WHERE status = 'open';
