-- pgbench mirror of what one `POST /v1/payments` (automatic capture, one subscribed endpoint)
-- commits: the payment, three history rows, three events and three webhook deliveries.
\set n random(1, 1000000000000)
BEGIN;
INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, amount_captured, amount_refunded,
  card_brand, card_last4, card_exp_month, card_exp_year, metadata, created_at, updated_at)
VALUES ('pay_' || :n, 'mer_bench', 2000, 'USD', 'CAPTURED', 'automatic', 2000, 0, 'visa', '4242', 12, 2031, '{}', now(), now());
INSERT INTO payment_history (payment_id, from_status, to_status, event, api_key_id, request_id)
VALUES ('pay_' || :n, NULL, 'CREATED', 'CREATE', 'key_bench', 'req_' || :n),
       ('pay_' || :n, 'CREATED', 'AUTHORIZED', 'AUTHORIZE', 'key_bench', 'req_' || :n),
       ('pay_' || :n, 'AUTHORIZED', 'CAPTURED', 'CAPTURE', 'key_bench', 'req_' || :n);
INSERT INTO events (id, merchant_id, type, payment_id, data, created_at)
VALUES ('evt_a' || :n, 'mer_bench', 'payment.created', 'pay_' || :n, '{"object":{"id":"pay_x","object":"payment","amount":2000,"currency":"USD","status":"CREATED","capture_method":"automatic","amount_captured":0,"amount_refunded":0,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2031}},"failure_code":null,"failure_message":null,"description":null,"customer_email":null,"metadata":{},"created_at":"2026-11-22T03:01:54.439Z","updated_at":"2026-11-22T03:01:54.439Z"}}', now()),
       ('evt_b' || :n, 'mer_bench', 'payment.authorized', 'pay_' || :n, '{"object":{"id":"pay_x","object":"payment","amount":2000,"currency":"USD","status":"AUTHORIZED","capture_method":"automatic","amount_captured":0,"amount_refunded":0,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2031}},"failure_code":null,"failure_message":null,"description":null,"customer_email":null,"metadata":{},"created_at":"2026-11-22T03:01:54.439Z","updated_at":"2026-11-22T03:01:54.439Z"}}', now()),
       ('evt_c' || :n, 'mer_bench', 'payment.captured', 'pay_' || :n, '{"object":{"id":"pay_x","object":"payment","amount":2000,"currency":"USD","status":"CAPTURED","capture_method":"automatic","amount_captured":2000,"amount_refunded":0,"payment_method":{"type":"card","card":{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2031}},"failure_code":null,"failure_message":null,"description":null,"customer_email":null,"metadata":{},"created_at":"2026-11-22T03:01:54.439Z","updated_at":"2026-11-22T03:01:54.439Z"}}', now());
INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, next_attempt_at)
SELECT 'whd_' || e.id, 'mer_bench', e.id, w.id, now()
FROM (VALUES ('evt_a' || :n), ('evt_b' || :n), ('evt_c' || :n)) AS e (id)
CROSS JOIN webhook_endpoints w WHERE w.merchant_id = 'mer_bench' AND w.status = 'enabled';
COMMIT;
