-- Webhook chaos (design-v2 §5): per-endpoint settings, and the chaos action (if any) of each attempt row.
-- Extra copies (duplicate, bad_signature) are their own attempt rows with the attempt number of the real one.

ALTER TABLE webhook_endpoints ADD COLUMN chaos jsonb;

ALTER TABLE webhook_attempts ADD COLUMN chaos text;
ALTER TABLE webhook_attempts ADD CONSTRAINT webhook_attempts_chaos_chk
  CHECK (chaos IS NULL OR chaos IN ('dropped', 'delayed', 'reordered', 'duplicate', 'bad_signature'));
