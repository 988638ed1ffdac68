import { DataSource } from 'typeorm';
import { ClockService } from '../../src/clock/clock.service';
import { ScheduledActionsService } from '../../src/scheduling/scheduled-actions.service';
import { TestApp } from './test-app';

export const RECORD_KIND = 'test.record';

export interface RecordedRun {
  action_id: string;
  merchant_id: string;
  label: string;
  due_at: Date;
  clock_at: Date;
}

/**
 * A scheduled-action handler for tests: each run inserts a row (in the run's own transaction, so
 * it commits exactly when the action is marked done) with the time the merchant clock read.
 */
export async function installRecordingHandler(app: TestApp): Promise<DataSource> {
  const db = app.sandbox.app.get(DataSource);
  await db.query(`CREATE TABLE IF NOT EXISTS test_action_runs (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, action_id text NOT NULL, merchant_id text NOT NULL,
    label text NOT NULL, due_at timestamptz NOT NULL, clock_at timestamptz NOT NULL)`);
  const clock = app.sandbox.app.get(ClockService);
  app.sandbox.app.get(ScheduledActionsService).registerHandler(RECORD_KIND, async (action, context) => {
    const now = await clock.now(action.merchantId);
    await context.manager.query(
      'INSERT INTO test_action_runs (action_id, merchant_id, label, due_at, clock_at) VALUES ($1, $2, $3, $4, $5)',
      [action.id, action.merchantId, String(action.payload.label), action.dueAt, now],
    );
  });
  return db;
}

/** Schedules test.record actions for a merchant (each in its own little transaction). */
export async function scheduleRecords(app: TestApp, merchantId: string, items: Array<{ label: string; dueAt: Date }>): Promise<void> {
  const db = app.sandbox.app.get(DataSource);
  const actions = app.sandbox.app.get(ScheduledActionsService);
  await db.transaction((manager) =>
    actions.schedule(
      manager,
      items.map((item) => ({ merchantId, kind: RECORD_KIND, dueAt: item.dueAt, payload: { label: item.label } })),
    ),
  );
}

export async function recordedRuns(db: DataSource, merchantId: string): Promise<RecordedRun[]> {
  return db.query('SELECT action_id, merchant_id, label, due_at, clock_at FROM test_action_runs WHERE merchant_id = $1 ORDER BY seq', [merchantId]);
}
