-- Webhooks: endpoints a merchant subscribes, one delivery row per (event, endpoint) written in the
-- same transaction as the event (the outbox), and one attempt row per HTTP attempt.

CREATE TABLE webhook_endpoints (
  id                          text        PRIMARY KEY,
  merchant_id                 text        NOT NULL,
  url                         text        NOT NULL,
  enabled_events              text[]      NOT NULL DEFAULT ARRAY['*'],
  description                 text,
  status                      text        NOT NULL DEFAULT 'enabled',
  secret                      text        NOT NULL,
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_endpoints_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT webhook_endpoints_status_chk CHECK (status IN ('enabled', 'disabled'))
);
CREATE INDEX webhook_endpoints_merchant_id_idx ON webhook_endpoints (merchant_id, id DESC);

CREATE TABLE webhook_deliveries (
  id               text        PRIMARY KEY,
  merchant_id      text        NOT NULL,
  event_id         text        NOT NULL,
  endpoint_id      text        NOT NULL,
  status           text        NOT NULL DEFAULT 'pending',
  attempt_count    integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_deliveries_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_event_fk FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_endpoint_fk FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  CONSTRAINT webhook_deliveries_status_chk CHECK (status IN ('pending', 'succeeded', 'failed')),
  CONSTRAINT webhook_deliveries_event_endpoint_uq UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_id_idx ON webhook_deliveries (endpoint_id);
CREATE INDEX webhook_deliveries_merchant_id_idx ON webhook_deliveries (merchant_id);

CREATE TABLE webhook_attempts (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id      text        NOT NULL,
  attempt          integer     NOT NULL,
  attempted_at     timestamptz NOT NULL DEFAULT now(),
  response_status  integer,
  duration_ms      integer     NOT NULL,
  error            text,
  response_body    text,
  CONSTRAINT webhook_attempts_delivery_fk FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_delivery_id_idx ON webhook_attempts (delivery_id, attempt);
