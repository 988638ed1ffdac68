-- Refunds (rows of their own; the payment's amount_refunded is guarded by payments_amount_refunded_chk)
-- and idempotency keys (one stored response per merchant and key).

CREATE TABLE refunds (
  id               text        PRIMARY KEY,
  merchant_id      text        NOT NULL,
  payment_id       text        NOT NULL,
  amount           bigint      NOT NULL,
  currency         char(3)     NOT NULL,
  status           text        NOT NULL,
  reason           text,
  failure_code     text,
  idempotency_key  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT refunds_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT refunds_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE,
  CONSTRAINT refunds_amount_positive_chk CHECK (amount > 0),
  CONSTRAINT refunds_status_chk CHECK (status IN ('SUCCEEDED', 'FAILED')),
  CONSTRAINT refunds_reason_chk CHECK (reason IS NULL OR reason IN ('duplicate', 'fraudulent', 'requested_by_customer'))
);
CREATE INDEX refunds_merchant_id_idx ON refunds (merchant_id, id DESC);
CREATE INDEX refunds_payment_id_idx ON refunds (payment_id, id DESC);
CREATE UNIQUE INDEX refunds_merchant_idempotency_key_uq ON refunds (merchant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- `claim_id` names one use of a key: new when the key is first used or reused after expiry, kept when a
-- stale in-flight claim is taken over. The payment/refund a request creates stores key + claim_id, so a
-- retry after a crash finds it (no second payment) while a reuse after expiry creates a new one.
CREATE TABLE idempotency_keys (
  merchant_id      text        NOT NULL,
  key              text        NOT NULL,
  claim_id         uuid        NOT NULL DEFAULT gen_random_uuid(),
  method           text        NOT NULL,
  path             text        NOT NULL,
  body_hash        text        NOT NULL,
  state            text        NOT NULL DEFAULT 'in_flight',
  response_status  integer,
  response_body    jsonb,
  locked_at        timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (merchant_id, key),
  CONSTRAINT idempotency_keys_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT idempotency_keys_key_length_chk CHECK (length(key) BETWEEN 1 AND 255),
  CONSTRAINT idempotency_keys_state_chk CHECK (state IN ('in_flight', 'completed')),
  CONSTRAINT idempotency_keys_completed_chk CHECK (state <> 'completed' OR response_status IS NOT NULL)
);
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
