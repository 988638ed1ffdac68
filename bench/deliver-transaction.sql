-- pgbench mirror of the database writes of one webhook delivery attempt that succeeds, as the
-- worker made them before issue 19 (per delivery, two statements, each its own transaction):
-- 1. claim: lease the pending row and load its event and endpoint (UPDATE … RETURNING, joined);
-- 2. record: the attempt row and the delivery's new state in one statement.
-- Setup (bench/baseline.ts): :rows events with one delivery each (ids whd_1 … whd_<rows>).
\set n random(1, :rows)
WITH claimed AS (
  UPDATE webhook_deliveries
     SET next_attempt_at = now() + interval '12 seconds', retry_due_at = NULL, updated_at = now()
   WHERE id = 'whd_' || :n
  RETURNING id, event_id, endpoint_id, attempt_count
)
SELECT c.id, c.attempt_count, e.id, e.merchant_id, e.type, e.payment_id, e.refund_id, e.sequence, e.data, e.created_at,
       w.id, w.url, w.status, w.secret, w.previous_secret, w.previous_secret_expires_at, w.chaos
  FROM claimed c
  JOIN events e ON e.id = c.event_id
  JOIN webhook_endpoints w ON w.id = c.endpoint_id;
WITH attempt AS (
  INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, response_status, duration_ms, error, response_body, chaos)
  VALUES ('whd_' || :n, 1, now(), 204, 1, NULL, '', NULL)
)
UPDATE webhook_deliveries
   SET attempt_count = 1, status = 'succeeded', updated_at = now(), retry_due_at = NULL, next_attempt_at = NULL
 WHERE id = 'whd_' || :n;
