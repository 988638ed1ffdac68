-- Payment core: merchants, API keys, payments and their transition history, and the events
-- every transition emits (the webhooks outbox builds on events).

CREATE TABLE merchants (
  id          text        PRIMARY KEY,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id            text        PRIMARY KEY,
  merchant_id   text        NOT NULL,
  name          text,
  secret_hash   bytea       NOT NULL,
  prefix        text        NOT NULL,
  last4         text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz,
  CONSTRAINT api_keys_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX api_keys_secret_hash_uq ON api_keys (secret_hash);
CREATE INDEX api_keys_merchant_id_idx ON api_keys (merchant_id, id DESC);

CREATE TABLE payments (
  id               text        PRIMARY KEY,
  merchant_id      text        NOT NULL,
  amount           bigint      NOT NULL,
  currency         char(3)     NOT NULL,
  status           text        NOT NULL,
  capture_method   text        NOT NULL,
  amount_captured  bigint      NOT NULL DEFAULT 0,
  amount_refunded  bigint      NOT NULL DEFAULT 0,
  card_brand       text        NOT NULL,
  card_last4       char(4)     NOT NULL,
  card_exp_month   smallint    NOT NULL,
  card_exp_year    smallint    NOT NULL,
  failure_code     text,
  failure_message  text,
  description      text,
  customer_email   text,
  metadata         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  idempotency_key  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payments_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT payments_amount_positive_chk CHECK (amount > 0),
  CONSTRAINT payments_amount_captured_chk CHECK (amount_captured >= 0 AND amount_captured <= amount),
  CONSTRAINT payments_amount_refunded_chk CHECK (amount_refunded >= 0 AND amount_refunded <= amount_captured),
  CONSTRAINT payments_status_chk CHECK (status IN ('CREATED', 'AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'FAILED', 'CANCELED')),
  CONSTRAINT payments_capture_method_chk CHECK (capture_method IN ('automatic', 'manual'))
);
CREATE INDEX payments_merchant_id_idx ON payments (merchant_id, id DESC);
CREATE INDEX payments_merchant_status_idx ON payments (merchant_id, status, id DESC);
CREATE UNIQUE INDEX payments_merchant_idempotency_key_uq ON payments (merchant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE payment_history (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id   text        NOT NULL,
  from_status  text,
  to_status    text        NOT NULL,
  event        text        NOT NULL,
  api_key_id   text,
  request_id   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_history_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE
);
CREATE INDEX payment_history_payment_id_idx ON payment_history (payment_id, id);

CREATE TABLE events (
  id           text        PRIMARY KEY,
  merchant_id  text        NOT NULL,
  type         text        NOT NULL,
  payment_id   text,
  refund_id    text,
  data         jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE
);
CREATE INDEX events_merchant_id_idx ON events (merchant_id, id DESC);
CREATE INDEX events_merchant_type_idx ON events (merchant_id, type, id DESC);
CREATE INDEX events_payment_id_idx ON events (payment_id, id DESC) WHERE payment_id IS NOT NULL;
