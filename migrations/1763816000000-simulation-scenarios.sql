-- Ordered outcomes (design-v2 §5): a merchant's scenario hands the next outcome to each matching
-- payment create. `consumed` is advanced by one UPDATE … RETURNING, so concurrent creates take
-- distinct positions.

CREATE TABLE simulation_scenarios (
  id                    text        PRIMARY KEY,
  merchant_id           text        NOT NULL,
  match_card_last4      text,
  match_customer_email  text,
  match_metadata        jsonb,
  outcomes              text[]      NOT NULL,
  then_mode             text        NOT NULL,
  consumed              integer     NOT NULL DEFAULT 0,
  created_at            timestamptz NOT NULL,
  CONSTRAINT simulation_scenarios_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT simulation_scenarios_then_chk CHECK (then_mode IN ('repeat_last', 'cycle')),
  CONSTRAINT simulation_scenarios_outcomes_chk CHECK (cardinality(outcomes) BETWEEN 1 AND 100),
  CONSTRAINT simulation_scenarios_match_chk CHECK (num_nonnulls(match_card_last4, match_customer_email, match_metadata) >= 1),
  CONSTRAINT simulation_scenarios_consumed_chk CHECK (consumed >= 0)
);
CREATE INDEX simulation_scenarios_merchant_id_idx ON simulation_scenarios (merchant_id, id DESC);
