import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CteStatement } from '../database/cte-statement';
import { queryRows } from '../webhooks/sql-rows';
import { WINDOW_SQL } from './circuit-breaker';

/** One call to a connector, as stored (`payment_attempts`) and shown on the payment. */
export interface AttemptRecord {
  id: string;
  connector: string;
  status: 'succeeded' | 'declined' | 'failed';
  error: string | null;
  latency_ms: number;
  reason: 'rule' | 'default' | 'volume_split' | 'fallback' | 'forced';
}

export interface CallStats {
  calls: number;
  failures: number;
  lastError: string | null;
}

/** The connector call log (`payment_attempts`): written with the payment, read by the breaker and health. */
@Injectable()
export class AttemptsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adds the attempts to the caller's one-statement payment write (CTE `attempts`). */
  appendInsert(statement: CteStatement, merchantId: string, paymentId: string, attempts: AttemptRecord[], at: Date): void {
    if (attempts.length === 0) return;
    const p = (value: unknown) => statement.param(value);
    const column = <K extends keyof AttemptRecord>(key: K) => p(attempts.map((attempt) => attempt[key]));
    statement.with(
      'attempts',
      `INSERT INTO payment_attempts (id, payment_id, merchant_id, connector_id, status, error, latency_ms, reason, created_at)
       SELECT a.id, ${p(paymentId)}, ${p(merchantId)}, a.connector, a.status, a.error, a.latency_ms, a.reason, ${p(at)}
         FROM unnest(${column('id')}::text[], ${column('connector')}::text[], ${column('status')}::text[], ${column('error')}::text[],
                     ${column('latency_ms')}::int[], ${column('reason')}::text[]) WITH ORDINALITY AS a (id, connector, status, error, latency_ms, reason, n)
        ORDER BY a.n`,
    );
  }

  /** Calls and technical failures in the breaker window ending at `now` (merchant clock). */
  async stats(merchantId: string, connectorId: string, now: Date): Promise<CallStats> {
    const [row] = await queryRows<{ calls: string; failures: string; last_error: string | null }>(
      this.db.manager,
      `SELECT count(*) AS calls, count(*) FILTER (WHERE status = 'failed') AS failures,
              (SELECT error FROM payment_attempts WHERE merchant_id = $1 AND connector_id = $2 AND status = 'failed' ORDER BY seq DESC LIMIT 1) AS last_error
         FROM payment_attempts
        WHERE merchant_id = $1 AND connector_id = $2 AND created_at > $3::timestamptz - ${WINDOW_SQL} AND created_at <= $3`,
      [merchantId, connectorId, now],
    );
    return { calls: Number(row.calls), failures: Number(row.failures), lastError: row.last_error };
  }
}
