import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { merchantNowMs } from '../clock/clock-state';
import { CteStatement } from '../database/cte-statement';
import { ActionHandler, ScheduledAction, ScheduleRequest } from './scheduled-action';

/** Actions run per transaction while the merchant's clock row is locked. */
const BATCH_SIZE = 100;
export const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 5 * 60_000;

interface ActionRow {
  id: string;
  kind: string;
  due_at: Date;
  payload: Record<string, unknown>;
  dedupe_key: string | null;
  attempts: number;
}

interface Failure {
  id: string;
  attempts: number;
  error: string;
}

export interface BatchResult {
  /** Someone else holds the merchant's drain lock (only with skipLocked). */
  locked: boolean;
  ran: number;
  failed: number;
  /** The batch was full: there may be more due. */
  more: boolean;
}

/** Wall-clock wait before a failed action is tried again: 1 s, 2 s, 4 s … at most 5 min. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(1_000 * 2 ** Math.max(attempts - 1, 0), MAX_BACKOFF_MS);
}

function insertSql(p: (value: unknown) => string, requests: ScheduleRequest[]): string {
  return `INSERT INTO scheduled_actions (merchant_id, kind, due_at, payload, dedupe_key)
          SELECT a.merchant_id, a.kind, a.due_at, a.payload::jsonb, a.dedupe_key
            FROM unnest(${p(requests.map((r) => r.merchantId))}::text[], ${p(requests.map((r) => r.kind))}::text[],
                        ${p(requests.map((r) => r.dueAt))}::timestamptz[], ${p(requests.map((r) => JSON.stringify(r.payload ?? {})))}::text[],
                        ${p(requests.map((r) => r.dedupeKey ?? null))}::text[]) AS a (merchant_id, kind, due_at, payload, dedupe_key)
          ON CONFLICT (merchant_id, kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND status = 'pending' DO NOTHING`;
}

/**
 * Scheduled work in Postgres (`scheduled_actions`), per merchant, due on the merchant's clock.
 * Other modules schedule in their own transaction and register a handler per kind; the worker
 * (ScheduledActionsRunner) and POST /v1/test-clock/advance run what falls due.
 */
@Injectable()
export class ScheduledActionsService {
  private readonly logger = new Logger(ScheduledActionsService.name);
  private readonly handlers = new Map<string, ActionHandler>();
  private readonly runnerId = `pid-${process.pid}`;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: ClockService,
  ) {}

  /** Registers the handler of `kind` (once per process, e.g. in onModuleInit of the owning module). */
  registerHandler(kind: string, handler: ActionHandler): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for scheduled action '${kind}' is already registered`);
    this.handlers.set(kind, handler);
  }

  /** Schedules in the caller's transaction (it commits or rolls back with the caller's writes). */
  async schedule(manager: EntityManager, request: ScheduleRequest | ScheduleRequest[]): Promise<void> {
    const requests = Array.isArray(request) ? request : [request];
    if (requests.length === 0) return;
    const params: unknown[] = [];
    const sql = insertSql((value) => `$${params.push(value)}`, requests);
    await manager.query(sql, params);
  }

  /** The same as `schedule`, as a CTE named `scheduled_action` of the caller's one-statement write. */
  appendSchedule(statement: CteStatement, requests: ScheduleRequest[]): void {
    if (requests.length === 0) return;
    statement.with('scheduled_action', insertSql((value) => statement.param(value), requests));
  }

  /** Cancels the pending action scheduled with this dedupe key; true when there was one. */
  async cancel(manager: EntityManager, merchantId: string, kind: string, dedupeKey: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE scheduled_actions SET status = 'canceled', completed_at = now()
        WHERE merchant_id = $1 AND kind = $2 AND dedupe_key = $3 AND status = 'pending' RETURNING id`,
      [merchantId, kind, dedupeKey],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length > 0;
  }

  /** The same as `cancel`, as a CTE named `scheduled_action_cancel` of the caller's one-statement write. */
  appendCancel(statement: CteStatement, merchantId: string, kind: string, dedupeKey: string): void {
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'scheduled_action_cancel',
      `UPDATE scheduled_actions SET status = 'canceled', completed_at = now()
        WHERE merchant_id = ${p(merchantId)} AND kind = ${p(kind)} AND dedupe_key = ${p(dedupeKey)} AND status = 'pending'`,
    );
  }

  /**
   * Merchants with at least one action due on their clock now (wall time `wall`). The first
   * condition is a cheap range on the due index (no clock is ahead of the most advanced one).
   */
  async dueMerchants(limit: number, wall = new Date()): Promise<string[]> {
    const rows: Array<{ merchant_id: string }> = await this.db.query(
      `SELECT a.merchant_id
         FROM scheduled_actions a
         LEFT JOIN test_clocks c ON c.merchant_id = a.merchant_id
        WHERE a.status = 'pending'
          AND a.due_at <= (SELECT GREATEST($1::timestamptz, max(COALESCE(frozen_at, $1::timestamptz + offset_ms * interval '1 millisecond'))) FROM test_clocks)
          AND a.due_at <= COALESCE(c.frozen_at, $1::timestamptz + COALESCE(c.offset_ms, 0) * interval '1 millisecond')
          AND (a.retry_at IS NULL OR a.retry_at <= $1::timestamptz)
        GROUP BY a.merchant_id
        LIMIT $2`,
      [wall, limit],
    );
    return rows.map((row) => row.merchant_id);
  }

  /**
   * Runs the merchant's due actions in due order, one batch per transaction, until none is due
   * (up to `upTo`, or the merchant's current time). With `skipLocked` it gives up when another
   * process is draining this merchant. Returns how many actions ran.
   */
  async drain(runner: QueryRunner, merchantId: string, options: { upTo?: Date; skipLocked?: boolean } = {}): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.runBatch(runner, merchantId, options);
      total += batch.ran;
      if (batch.locked || batch.ran === 0) return total;
    }
  }

  /**
   * One transaction: lock the merchant's clock row, run up to BATCH_SIZE due actions, mark them.
   * Optimistic first (no savepoints: two round trips fewer per action); when a handler throws,
   * the batch is rolled back and run again with a savepoint around each action.
   */
  async runBatch(runner: QueryRunner, merchantId: string, options: { upTo?: Date; skipLocked?: boolean }): Promise<BatchResult> {
    const fast = await this.runInTransaction(runner, merchantId, options, false);
    return fast ?? (await this.runInTransaction(runner, merchantId, options, true))!;
  }

  /** undefined: a handler failed on the fast path (rolled back, nothing happened). */
  private async runInTransaction(
    runner: QueryRunner,
    merchantId: string,
    options: { upTo?: Date; skipLocked?: boolean },
    careful: boolean,
  ): Promise<BatchResult | undefined> {
    const afterCommit: Array<() => void> = [];
    let result: BatchResult;
    await runner.startTransaction();
    try {
      result = await this.runLocked(runner, merchantId, options, afterCommit, careful);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      if (error instanceof HandlerFailed) return undefined;
      throw error;
    }
    for (const work of afterCommit) this.safely(work);
    return result;
  }

  private async runLocked(
    runner: QueryRunner,
    merchantId: string,
    options: { upTo?: Date; skipLocked?: boolean },
    afterCommit: Array<() => void>,
    careful: boolean,
  ): Promise<BatchResult> {
    const clock = await this.clock.lock(runner.manager, merchantId, options.skipLocked);
    if (!clock) return { locked: true, ran: 0, failed: 0, more: false };
    const wall = new Date();
    const upTo = options.upTo ?? new Date(merchantNowMs(clock, wall.getTime()));
    const rows: ActionRow[] = await runner.query(
      `SELECT id::text AS id, kind, due_at, payload, dedupe_key, attempts FROM scheduled_actions
        WHERE merchant_id = $1 AND status = 'pending' AND due_at <= $2 AND (retry_at IS NULL OR retry_at <= $3)
        ORDER BY due_at, id
        LIMIT $4
        FOR UPDATE SKIP LOCKED`,
      [merchantId, upTo, wall, BATCH_SIZE],
    );
    const done: string[] = [];
    const failures: Failure[] = [];
    for (const row of rows) {
      const action = toAction(merchantId, row);
      const error = careful ? await this.runOne(runner, action, afterCommit) : await this.runFast(action, runner, afterCommit);
      if (error === undefined) done.push(action.id);
      else failures.push({ id: action.id, attempts: action.attempts + 1, error });
    }
    await this.markDone(runner, done);
    await this.markFailed(runner, failures);
    return { locked: false, ran: rows.length, failed: failures.length, more: rows.length === BATCH_SIZE };
  }

  /** One action on the fast path: a failure aborts the whole batch (HandlerFailed). */
  private async runFast(action: ScheduledAction, runner: QueryRunner, afterCommit: Array<() => void>): Promise<undefined> {
    const handler = this.handlers.get(action.kind);
    if (!handler) throw new HandlerFailed();
    const context = { manager: runner.manager, now: action.dueAt, afterCommit: (work: () => void) => afterCommit.push(work) };
    try {
      await this.clock.runAt(action.merchantId, action.dueAt, () => handler(action, context));
    } catch {
      throw new HandlerFailed();
    }
    return undefined;
  }

  /** One action inside a savepoint; returns the error message when it failed (its writes rolled back). */
  private async runOne(runner: QueryRunner, action: ScheduledAction, afterCommit: Array<() => void>): Promise<string | undefined> {
    const handler = this.handlers.get(action.kind);
    if (!handler) return `no handler registered for '${action.kind}' in this process`;
    const mine: Array<() => void> = [];
    await runner.query('SAVEPOINT scheduled_action');
    try {
      const context = { manager: runner.manager, now: action.dueAt, afterCommit: (work: () => void) => mine.push(work) };
      await this.clock.runAt(action.merchantId, action.dueAt, () => handler(action, context));
      await runner.query('RELEASE SAVEPOINT scheduled_action');
      afterCommit.push(...mine);
      return undefined;
    } catch (error) {
      await runner.query('ROLLBACK TO SAVEPOINT scheduled_action');
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Scheduled action ${action.id} (${action.kind}) failed: ${message}`);
      return message.slice(0, 1_000);
    }
  }

  private async markDone(runner: QueryRunner, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await runner.query(
      `UPDATE scheduled_actions SET status = 'done', attempts = attempts + 1, retry_at = NULL, ran_by = $2, completed_at = now()
        WHERE id = ANY ($1::bigint[])`,
      [ids, this.runnerId],
    );
  }

  private async markFailed(runner: QueryRunner, failures: Failure[]): Promise<void> {
    for (const failure of failures) {
      const final = failure.attempts >= MAX_ATTEMPTS;
      await runner.query(
        `UPDATE scheduled_actions
            SET attempts = $2, last_error = $3, ran_by = $4, status = $5,
                retry_at = now() + $6 * interval '1 millisecond', completed_at = CASE WHEN $5 = 'failed' THEN now() END
          WHERE id = $1`,
        [failure.id, failure.attempts, failure.error, this.runnerId, final ? 'failed' : 'pending', retryBackoffMs(failure.attempts)],
      );
    }
  }

  private safely(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logger.warn(`After-commit work of a scheduled action failed: ${(error as Error).message}`);
    }
  }
}

class HandlerFailed extends Error {}

function toAction(merchantId: string, row: ActionRow): ScheduledAction {
  return {
    id: row.id,
    merchantId,
    kind: row.kind,
    dueAt: row.due_at,
    payload: row.payload,
    dedupeKey: row.dedupe_key,
    attempts: row.attempts,
  };
}
