-- Observability (issue 17): who did each transition from where, the audit log of configuration
-- changes, short-lived stream tokens for browsers, and an index for analytics over a time range.

-- Older history rows keep NULL: the client address and user agent were not recorded then.
ALTER TABLE payment_history ADD COLUMN ip text;
ALTER TABLE payment_history ADD COLUMN user_agent text;

CREATE TABLE audit_logs (
  id           text        PRIMARY KEY,
  merchant_id  text        NOT NULL,
  kind         text        NOT NULL,
  action       text        NOT NULL,
  object_id    text,
  api_key_id   text,
  request_id   text,
  ip           text,
  user_agent   text,
  details      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL,
  CONSTRAINT audit_logs_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT audit_logs_kind_chk CHECK (kind ~ '^[a-z_]{1,40}$'),
  CONSTRAINT audit_logs_action_chk CHECK (action ~ '^[a-z_]{1,40}$')
);
CREATE INDEX audit_logs_merchant_id_idx ON audit_logs (merchant_id, id DESC);
CREATE INDEX audit_logs_merchant_kind_idx ON audit_logs (merchant_id, kind, id DESC);

-- A browser's EventSource cannot send headers: it presents one of these as ?token=. Only the hash is stored.
CREATE TABLE stream_tokens (
  token_hash   bytea       PRIMARY KEY,
  merchant_id  text        NOT NULL,
  api_key_id   text        NOT NULL,
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT stream_tokens_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT stream_tokens_api_key_fk FOREIGN KEY (api_key_id) REFERENCES api_keys (id) ON DELETE CASCADE
);
CREATE INDEX stream_tokens_expires_at_idx ON stream_tokens (expires_at);

-- GET /v1/analytics/summary reads one merchant's payments created in a time range.
CREATE INDEX payments_merchant_created_at_idx ON payments (merchant_id, created_at);
