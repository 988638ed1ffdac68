-- Authorization expiry (issue 11): an AUTHORIZED payment may be captured until capture_before
-- (merchant time); then a scheduled action cancels it with cancellation_reason 'authorization_expired'.
-- A manual cancel records 'requested'.

ALTER TABLE payments
  ADD COLUMN capture_before timestamptz,
  ADD COLUMN cancellation_reason text,
  ADD CONSTRAINT payments_cancellation_reason_chk
    CHECK (cancellation_reason IS NULL OR cancellation_reason IN ('requested', 'authorization_expired'));

-- A webhook retry's due time on the merchant clock (NULL unless the delivery waits for a retry).
-- next_attempt_at stays the wall-clock dispatch time (and lease); an advance past retry_due_at
-- pulls next_attempt_at to now and hands the delivery to the queue at once.
ALTER TABLE webhook_deliveries
  ADD COLUMN retry_due_at timestamptz;
