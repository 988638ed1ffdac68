-- Payment methods that need the customer (design-v2 §2): 3-D Secure challenges, UPI and M-Pesa.
-- Payments gain the two waiting states, their method and its details, the pending step's plan and
-- what the customer must do next; 3-D Secure challenge pages are reached through one-time tokens.

ALTER TABLE payments
  ADD COLUMN payment_method_type text NOT NULL DEFAULT 'card',
  ADD COLUMN three_d_secure jsonb,
  ADD COLUMN upi jsonb,
  ADD COLUMN mpesa jsonb,
  ADD COLUMN next_action jsonb,
  ADD COLUMN customer_step jsonb,
  ADD COLUMN return_url text,
  ALTER COLUMN card_brand DROP NOT NULL,
  ALTER COLUMN card_last4 DROP NOT NULL,
  ALTER COLUMN card_exp_month DROP NOT NULL,
  ALTER COLUMN card_exp_year DROP NOT NULL,
  DROP CONSTRAINT payments_status_chk,
  ADD CONSTRAINT payments_status_chk CHECK (status IN ('CREATED', 'REQUIRES_ACTION', 'PROCESSING', 'AUTHORIZED', 'CAPTURED',
    'PARTIALLY_REFUNDED', 'REFUNDED', 'FAILED', 'CANCELED')),
  ADD CONSTRAINT payments_method_type_chk CHECK (payment_method_type IN ('card', 'upi', 'mpesa')),
  ADD CONSTRAINT payments_card_details_chk CHECK ((payment_method_type = 'card') = (card_last4 IS NOT NULL)),
  ADD CONSTRAINT payments_upi_details_chk CHECK ((payment_method_type = 'upi') = (upi IS NOT NULL)),
  ADD CONSTRAINT payments_mpesa_details_chk CHECK ((payment_method_type = 'mpesa') = (mpesa IS NOT NULL)),
  ADD CONSTRAINT payments_return_url_chk CHECK (return_url IS NULL OR return_url ~ '^https?://'),
  ADD CONSTRAINT payments_next_action_chk CHECK (next_action IS NULL OR status IN ('REQUIRES_ACTION', 'PROCESSING'));

-- One row per challenge page: only the SHA-256 of the token is stored; used_at makes it one-time.
CREATE TABLE three_ds_challenges (
  token_hash   bytea       PRIMARY KEY,
  payment_id   text        NOT NULL,
  merchant_id  text        NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  created_at   timestamptz NOT NULL,
  CONSTRAINT three_ds_challenges_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE,
  CONSTRAINT three_ds_challenges_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE
);
CREATE INDEX three_ds_challenges_payment_id_idx ON three_ds_challenges (payment_id);
