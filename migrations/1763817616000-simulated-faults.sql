-- Failures on purpose (design-v2 §5): a simulated API fault that struck a request which committed
-- something (lost_response: the payment or refund committed, then the connection was closed) is
-- recorded with what it committed, in the same statement/transaction, so the payment's timeline
-- shows that its answer was deliberately lost. Faults that commit nothing leave no row (metrics
-- and logs count them).
CREATE TABLE simulated_faults (
  id           text        PRIMARY KEY,
  merchant_id  text        NOT NULL,
  payment_id   text        NOT NULL,
  refund_id    text,
  fault        text        NOT NULL,
  operation    text        NOT NULL,
  api_key_id   text,
  request_id   text        NOT NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT simulated_faults_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT simulated_faults_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE,
  CONSTRAINT simulated_faults_refund_fk FOREIGN KEY (refund_id) REFERENCES refunds (id) ON DELETE CASCADE,
  CONSTRAINT simulated_faults_fault_chk CHECK (fault IN ('lost_response')),
  CONSTRAINT simulated_faults_operation_chk CHECK (operation IN ('payment.create', 'refund.create'))
);
CREATE INDEX simulated_faults_payment_id_idx ON simulated_faults (payment_id, id);
CREATE INDEX simulated_faults_merchant_id_idx ON simulated_faults (merchant_id, id DESC);
