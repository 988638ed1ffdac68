-- Refunds that fail later (design-v2 §5): a refund can be PENDING until it succeeds or fails.
ALTER TABLE refunds DROP CONSTRAINT refunds_status_chk;
ALTER TABLE refunds ADD CONSTRAINT refunds_status_chk CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED'));
