-- Time you can move (issue 11): one clock per merchant and the merchant's scheduled work.
--
-- test_clocks: a merchant without a row follows the wall clock. Its time is
--   frozen_at                          when frozen (stands still until advanced), else
--   wall clock + offset_ms             (offset_ms only ever grows through advance; unfreeze may lower it).
-- The row is also the merchant's "drain lock": whoever runs the merchant's due actions holds it
-- FOR UPDATE (workers with SKIP LOCKED), so actions of one merchant run one at a time, in due order.

CREATE TABLE test_clocks (
  merchant_id  text        PRIMARY KEY,
  offset_ms    bigint      NOT NULL DEFAULT 0,
  frozen_at    timestamptz,
  version      bigint      NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT test_clocks_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE
);

-- Due work per merchant. due_at is merchant time; retry_at (wall time) only delays an action whose
-- handler failed. An action is 'pending' until a run commits together with its 'done' mark, so a
-- crash mid-run rolls both back and the action runs again (at-least-once; handlers are idempotent).
CREATE TABLE scheduled_actions (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  merchant_id   text        NOT NULL,
  kind          text        NOT NULL,
  due_at        timestamptz NOT NULL,
  payload       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key    text,
  status        text        NOT NULL DEFAULT 'pending',
  attempts      integer     NOT NULL DEFAULT 0,
  retry_at      timestamptz,
  last_error    text,
  ran_by        text,
  completed_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT scheduled_actions_merchant_fk FOREIGN KEY (merchant_id) REFERENCES merchants (id) ON DELETE CASCADE,
  CONSTRAINT scheduled_actions_status_chk CHECK (status IN ('pending', 'done', 'failed', 'canceled')),
  CONSTRAINT scheduled_actions_kind_chk CHECK (length(kind) BETWEEN 1 AND 100)
);
-- The drain of one merchant: its pending actions in due order.
CREATE INDEX scheduled_actions_merchant_due_idx ON scheduled_actions (merchant_id, due_at, id) WHERE status = 'pending';
-- The worker's poll: which merchants have anything pending at all.
CREATE INDEX scheduled_actions_pending_due_idx ON scheduled_actions (due_at) WHERE status = 'pending';
-- schedule(..., dedupeKey) twice is one action; cancel() finds it by the same key.
CREATE UNIQUE INDEX scheduled_actions_dedupe_uq ON scheduled_actions (merchant_id, kind, dedupe_key)
  WHERE dedupe_key IS NOT NULL AND status = 'pending';
