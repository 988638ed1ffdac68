import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CteStatement } from '../database/cte-statement';
import { queryRows } from '../webhooks/sql-rows';
import { BREAKER } from './circuit-breaker';

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

const WINDOW = `make_interval(secs => ${BREAKER.WINDOW_MS / 1000})`;

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
        WHERE merchant_id = $1 AND connector_id = $2 AND created_at > $3::timestamptz - ${WINDOW} AND created_at <= $3`,
      [merchantId, connectorId, now],
    );
    return { calls: Number(row.calls), failures: Number(row.failures), lastError: row.last_error };
  }

  /** Merchants that have connector rows (the health job visits each on its own clock). */
  async merchantsWithConnectors(): Promise<string[]> {
    const rows = await queryRows<{ merchant_id: string }>(this.db.manager, 'SELECT DISTINCT merchant_id FROM connectors');
    return rows.map((row) => row.merchant_id);
  }

  /**
   * The health job's pass for one merchant: stores each stored connector's recent failures and
   * success rate, and shows an open circuit whose window has passed as half_open (no event: the
   * probe decides). Returns how many connectors it evaluated.
   */
  async refreshHealth(merchantId: string, now: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.db.manager,
      `UPDATE connectors c
          SET health_failures_recent = s.failures,
              health_success_rate = CASE WHEN s.calls = 0 THEN NULL ELSE (s.calls - s.failures)::float8 / s.calls END,
              health_checked_at = now(),
              circuit_state = CASE WHEN c.circuit_state = 'open' AND NOT c.circuit_forced
                                        AND c.circuit_opened_at <= $2::timestamptz - make_interval(secs => ${BREAKER.OPEN_MS / 1000})
                                   THEN 'half_open' ELSE c.circuit_state END
         FROM (SELECT c2.id,
                      (SELECT count(*) FROM payment_attempts a WHERE a.merchant_id = c2.merchant_id AND a.connector_id = c2.id
                          AND a.created_at > $2::timestamptz - ${WINDOW} AND a.created_at <= $2) AS calls,
                      (SELECT count(*) FROM payment_attempts a WHERE a.merchant_id = c2.merchant_id AND a.connector_id = c2.id AND a.status = 'failed'
                          AND a.created_at > $2::timestamptz - ${WINDOW} AND a.created_at <= $2) AS failures
                 FROM connectors c2 WHERE c2.merchant_id = $1) s
        WHERE c.merchant_id = $1 AND c.id = s.id
        RETURNING c.id`,
      [merchantId, now],
    );
    return rows.length;
  }

  async healthCheckedAt(merchantId: string, connectorId: string): Promise<Date | null> {
    const rows = await queryRows<{ health_checked_at: Date | null }>(
      this.db.manager,
      'SELECT health_checked_at FROM connectors WHERE merchant_id = $1 AND id = $2',
      [merchantId, connectorId],
    );
    return rows[0]?.health_checked_at ? new Date(rows[0].health_checked_at) : null;
  }
}
