-- pgbench mirror of what one `POST /v1/payments` (automatic capture, the default test card, one
-- subscribed `*` endpoint) writes, statement for statement:
-- 1. the risk velocity count (its own statement, migrations/1763819000300-…): the card's and the IP's
--    sliding hour/day windows; like the bench's payments (one card, one IP), every transaction bumps
--    the same two key rows;
-- 2. one statement: the payment row, three history rows, the connector attempt, three events
--    (with their per-payment sequence) and one webhook delivery per event and subscribed endpoint.
-- Setup (bench/baseline.ts): merchant mer_bench with one enabled `*` endpoint.
\set n random(1, 1000000000000)
SELECT * FROM risk_velocity_count('mer_bench', now(), now() - interval '1 hour', now() - interval '1 day',
  ARRAY['card', 'ip'], ARRAY['card_bench', 'ip_bench'], 'card_bench');
WITH payment AS (
  INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, amount_captured, amount_refunded,
    card_brand, card_last4, card_exp_month, card_exp_year, metadata, connector, attempts, payer_country, payer_country_source,
    card_country, outcome, created_at, updated_at, payment_method_type, three_d_secure)
  VALUES ('pay_' || :n, 'mer_bench', 2000, 'USD', 'CAPTURED', 'automatic', 2000, 0, 'visa', '4242', 12, 2031, '{}', 'stripe_sim',
    '[{"id":"att_x","error":null,"reason":"default","status":"succeeded","connector":"stripe_sim","latency_ms":0}]', 'US', 'card', 'US',
    '{"rule":null,"type":"authorized","risk_level":"normal","risk_score":10,"seller_message":"Payment complete."}', now(), now(),
    'card', '{"flow":null,"result":null}')
), history AS (
  INSERT INTO payment_history (payment_id, from_status, to_status, event, api_key_id, request_id, ip, user_agent, created_at)
  VALUES ('pay_' || :n, NULL, 'CREATED', 'CREATE', 'key_bench', 'req_' || :n, '127.0.0.1', 'pgbench', now()),
         ('pay_' || :n, 'CREATED', 'AUTHORIZED', 'AUTHORIZE', 'key_bench', 'req_' || :n, '127.0.0.1', 'pgbench', now()),
         ('pay_' || :n, 'AUTHORIZED', 'CAPTURED', 'CAPTURE', 'key_bench', 'req_' || :n, '127.0.0.1', 'pgbench', now())
), attempts AS (
  INSERT INTO payment_attempts (id, payment_id, merchant_id, connector_id, status, error, latency_ms, reason, created_at)
  VALUES ('att_' || :n, 'pay_' || :n, 'mer_bench', 'stripe_sim', 'succeeded', NULL, 0, 'default', now())
), event AS (
  INSERT INTO events (id, merchant_id, type, payment_id, data, created_at, sequence)
  VALUES ('evt_a' || :n, 'mer_bench', 'payment.created', 'pay_' || :n, '{"object":{"id":"pay_x","amount":2000,"object":"payment","status":"CREATED","outcome":{"rule":null,"type":"authorized","risk_level":"normal","risk_score":10,"seller_message":"Payment complete."},"attempts":[{"id":"att_x","error":null,"reason":"default","status":"succeeded","connector":"stripe_sim","latency_ms":0}],"currency":"USD","livemode":false,"metadata":{},"connector":"stripe_sim","created_at":"2026-12-07T21:54:25.414Z","updated_at":"2026-12-07T21:54:25.414Z","description":null,"next_action":null,"failure_code":null,"payer_country":"US","capture_before":null,"capture_method":"automatic","customer_email":null,"payment_method":{"card":{"brand":"visa","last4":"4242","country":"US","exp_year":2031,"exp_month":12,"three_d_secure":{"flow":null,"result":null}},"type":"card"},"amount_captured":0,"amount_refunded":0,"failure_message":null,"amount_capturable":0,"last_payment_error":null,"cancellation_reason":null,"payer_country_source":"card"}}', now(), 1),
         ('evt_b' || :n, 'mer_bench', 'payment.authorized', 'pay_' || :n, '{"object":{"id":"pay_x","amount":2000,"object":"payment","status":"AUTHORIZED","outcome":{"rule":null,"type":"authorized","risk_level":"normal","risk_score":10,"seller_message":"Payment complete."},"attempts":[{"id":"att_x","error":null,"reason":"default","status":"succeeded","connector":"stripe_sim","latency_ms":0}],"currency":"USD","livemode":false,"metadata":{},"connector":"stripe_sim","created_at":"2026-12-07T21:54:25.414Z","updated_at":"2026-12-07T21:54:25.414Z","description":null,"next_action":null,"failure_code":null,"payer_country":"US","capture_before":null,"capture_method":"automatic","customer_email":null,"payment_method":{"card":{"brand":"visa","last4":"4242","country":"US","exp_year":2031,"exp_month":12,"three_d_secure":{"flow":null,"result":null}},"type":"card"},"amount_captured":0,"amount_refunded":0,"failure_message":null,"amount_capturable":0,"last_payment_error":null,"cancellation_reason":null,"payer_country_source":"card"}}', now(), 2),
         ('evt_c' || :n, 'mer_bench', 'payment.captured', 'pay_' || :n, '{"object":{"id":"pay_x","amount":2000,"object":"payment","status":"CAPTURED","outcome":{"rule":null,"type":"authorized","risk_level":"normal","risk_score":10,"seller_message":"Payment complete."},"attempts":[{"id":"att_x","error":null,"reason":"default","status":"succeeded","connector":"stripe_sim","latency_ms":0}],"currency":"USD","livemode":false,"metadata":{},"connector":"stripe_sim","created_at":"2026-12-07T21:54:25.414Z","updated_at":"2026-12-07T21:54:25.414Z","description":null,"next_action":null,"failure_code":null,"payer_country":"US","capture_before":null,"capture_method":"automatic","customer_email":null,"payment_method":{"card":{"brand":"visa","last4":"4242","country":"US","exp_year":2031,"exp_month":12,"three_d_secure":{"flow":null,"result":null}},"type":"card"},"amount_captured":2000,"amount_refunded":0,"failure_message":null,"amount_capturable":0,"last_payment_error":null,"cancellation_reason":null,"payer_country_source":"card"}}', now(), 3)
  RETURNING id, type
)
INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, status, attempt_count, next_attempt_at)
SELECT 'whd_' || event.id, 'mer_bench', event.id, endpoint.id, 'pending', 0, now()
  FROM event
  JOIN webhook_endpoints endpoint
    ON endpoint.merchant_id = 'mer_bench' AND endpoint.status = 'enabled'
   AND ('*' = ANY (endpoint.enabled_events) OR event.type = ANY (endpoint.enabled_events));
