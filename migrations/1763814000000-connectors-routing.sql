-- Connectors, routing and circuit breakers (design-v2 §3), payer country on payments.
--
-- connectors: one row per (merchant, connector) that differs from the built-in defaults or is
-- custom. A built-in connector has no row until the merchant changes it (PATCH, outage, circuit)
-- or it fails for the first time: the rows are the merchant's own copies, so nothing done to one
-- merchant's connectors touches another's. The circuit breaker lives on the same row (shared by
-- every API process; transitions are conditional UPDATEs under the row lock).
CREATE TABLE connectors (
  merchant_id            text        NOT NULL,
  id                     text        NOT NULL,
  custom                 boolean     NOT NULL,
  methods                text[]      NOT NULL,
  currencies             text[],
  countries              text[],
  enabled                boolean     NOT NULL DEFAULT true,
  profile                jsonb       NOT NULL,
  outage_until           timestamptz,
  outage_mode            text,
  circuit_state          text        NOT NULL DEFAULT 'closed',
  circuit_forced         boolean     NOT NULL DEFAULT false,
  circuit_opened_at      timestamptz,
  circuit_reset_seq      bigint      NOT NULL DEFAULT 0,
  probe_lease_until      timestamptz,
  health_failures_recent integer,
  health_success_rate    double precision,
  health_checked_at      timestamptz,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  CONSTRAINT connectors_pk PRIMARY KEY (merchant_id, id),
  CONSTRAINT connectors_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT connectors_circuit_state_chk CHECK (circuit_state IN ('closed', 'open', 'half_open')),
  CONSTRAINT connectors_outage_mode_chk CHECK (outage_mode IS NULL OR outage_mode IN ('timeout', 'http_5xx', 'connection_reset'))
);

-- One row per merchant that has set its routing (others use the documented default).
CREATE TABLE routing_configs (
  merchant_id   text        NOT NULL,
  rules         jsonb       NOT NULL,
  default_order text[]      NOT NULL,
  max_attempts  smallint    NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT routing_configs_pk PRIMARY KEY (merchant_id),
  CONSTRAINT routing_configs_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT routing_configs_max_attempts_chk CHECK (max_attempts BETWEEN 1 AND 5)
);

-- Every call a payment made to a connector. seq orders calls per connector for the breaker.
CREATE TABLE payment_attempts (
  seq          bigint      GENERATED ALWAYS AS IDENTITY,
  id           text        NOT NULL,
  payment_id   text        NOT NULL,
  merchant_id  text        NOT NULL,
  connector_id text        NOT NULL,
  status       text        NOT NULL,
  error        text,
  latency_ms   integer     NOT NULL,
  reason       text        NOT NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT payment_attempts_pk PRIMARY KEY (id),
  CONSTRAINT payment_attempts_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE,
  CONSTRAINT payment_attempts_status_chk CHECK (status IN ('succeeded', 'declined', 'failed')),
  CONSTRAINT payment_attempts_reason_chk CHECK (reason IN ('rule', 'default', 'volume_split', 'fallback', 'forced'))
);
CREATE INDEX payment_attempts_payment_idx ON payment_attempts (payment_id, seq);
CREATE INDEX payment_attempts_connector_idx ON payment_attempts (merchant_id, connector_id, seq DESC);

ALTER TABLE payments
  ADD COLUMN connector            text,
  ADD COLUMN attempts             jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN payer_country        text,
  ADD COLUMN payer_country_source text,
  ADD COLUMN card_country         text,
  ADD CONSTRAINT payments_payer_country_source_chk CHECK (payer_country_source IS NULL OR payer_country_source IN ('explicit', 'ip', 'card'));
