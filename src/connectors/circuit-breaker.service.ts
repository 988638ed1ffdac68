import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';
import { queryRows } from '../webhooks/sql-rows';
import { BREAKER } from './circuit-breaker';
import { CircuitState } from './connector.model';
import { ConnectorsRepository } from './connectors.repository';

/** What one connector call did, reported to the breaker after the payment committed. */
export interface CallReport {
  connector: string;
  failed: boolean;
  error: string | null;
  /** The call was the half-open probe this request claimed. */
  probe: boolean;
}

interface CircuitRow {
  id: string;
  circuit_state: CircuitState;
  circuit_forced: boolean;
  circuit_opened_at: Date | null;
}

/** Conditions under which a closed circuit opens; $1 merchant, $2 connector, $3 merchant now. */
const TRIPPED = `(
  (SELECT count(*) = ${BREAKER.CONSECUTIVE_FAILURES} AND bool_and(last.status = 'failed')
     FROM (SELECT a.status FROM payment_attempts a
            WHERE a.merchant_id = c.merchant_id AND a.connector_id = c.id AND a.seq > c.circuit_reset_seq
            ORDER BY a.seq DESC LIMIT ${BREAKER.CONSECUTIVE_FAILURES}) last)
  OR
  (SELECT count(*) >= ${BREAKER.MIN_CALLS} AND count(*) FILTER (WHERE a.status = 'failed') >= ${BREAKER.FAILURE_RATIO} * count(*)
     FROM payment_attempts a
    WHERE a.merchant_id = c.merchant_id AND a.connector_id = c.id AND a.seq > c.circuit_reset_seq
      AND a.created_at > $3::timestamptz - make_interval(secs => ${BREAKER.WINDOW_MS / 1000})))`;

/**
 * The breaker's transitions, all in Postgres: each is one conditional UPDATE on the connector's
 * row (the row lock serializes concurrent requests and API processes; the one whose UPDATE
 * matched emits the event, in the same transaction), so an opening or closing is emitted once.
 */
@Injectable()
export class CircuitBreakerService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: ConnectorsRepository,
    private readonly events: EventsService,
  ) {}

  /** Takes the half-open probe slot; false when the circuit is not due or another probe is in flight. */
  async claimProbe(merchantId: string, connectorId: string, now: Date): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db.manager,
      `UPDATE connectors
          SET circuit_state = 'half_open', probe_lease_until = now() + make_interval(secs => ${BREAKER.PROBE_LEASE_MS / 1000})
        WHERE merchant_id = $1 AND id = $2 AND NOT circuit_forced
          AND ((circuit_state = 'open' AND circuit_opened_at <= $3::timestamptz - make_interval(secs => ${BREAKER.OPEN_MS / 1000}))
            OR (circuit_state = 'half_open' AND (probe_lease_until IS NULL OR probe_lease_until <= now())))
        RETURNING id`,
      [merchantId, connectorId, now],
    );
    return rows.length === 1;
  }

  /** Feeds a payment's calls (already committed as attempts) to the breakers. */
  async report(merchantId: string, calls: CallReport[], now: Date): Promise<void> {
    for (const call of calls) {
      if (call.probe) await this.settleProbe(merchantId, call, now);
      else if (call.failed) await this.maybeOpen(merchantId, call, now);
    }
  }

  private async maybeOpen(merchantId: string, call: CallReport, now: Date): Promise<void> {
    await this.transition(merchantId, call.connector, now, (manager) =>
      queryRows<CircuitRow>(
        manager,
        `UPDATE connectors c SET circuit_state = 'open', circuit_opened_at = $3, probe_lease_until = NULL, updated_at = $3
          WHERE c.merchant_id = $1 AND c.id = $2 AND c.circuit_state = 'closed' AND NOT c.circuit_forced AND ${TRIPPED}
          RETURNING c.id, c.circuit_state, c.circuit_forced, c.circuit_opened_at`,
        [merchantId, call.connector, now],
      ),
      call.error,
    );
  }

  private async settleProbe(merchantId: string, call: CallReport, now: Date): Promise<void> {
    const sql = call.failed
      ? `UPDATE connectors SET circuit_state = 'open', circuit_opened_at = $3, probe_lease_until = NULL, updated_at = $3
          WHERE merchant_id = $1 AND id = $2 AND circuit_state = 'half_open' AND NOT circuit_forced
          RETURNING id, circuit_state, circuit_forced, circuit_opened_at`
      : `UPDATE connectors SET circuit_state = 'closed', circuit_opened_at = NULL, probe_lease_until = NULL, updated_at = $3,
                circuit_reset_seq = (SELECT coalesce(max(seq), 0) FROM payment_attempts WHERE merchant_id = $1 AND connector_id = $2)
          WHERE merchant_id = $1 AND id = $2 AND circuit_state = 'half_open' AND NOT circuit_forced
          RETURNING id, circuit_state, circuit_forced, circuit_opened_at`;
    await this.transition(merchantId, call.connector, now, (manager) => queryRows<CircuitRow>(manager, sql, [merchantId, call.connector, now]), call.error);
  }

  /** Forces a circuit open (it stays open until forced closed) or closed (counting starts afresh). */
  async force(merchantId: string, connectorId: string, state: 'open' | 'closed', now: Date): Promise<void> {
    const afterCommit = await this.db.transaction(async (manager) => {
      const current = await this.repository.lock(manager, merchantId, connectorId, now);
      if (!current) return () => undefined;
      const wasOpen = current.circuit.state !== 'closed';
      const rows = await queryRows<CircuitRow>(
        manager,
        state === 'open'
          ? `UPDATE connectors SET circuit_state = 'open', circuit_forced = true, probe_lease_until = NULL, updated_at = $3,
                    circuit_opened_at = CASE WHEN circuit_state = 'open' THEN circuit_opened_at ELSE $3 END
              WHERE merchant_id = $1 AND id = $2 RETURNING id, circuit_state, circuit_forced, circuit_opened_at`
          : `UPDATE connectors SET circuit_state = 'closed', circuit_forced = false, circuit_opened_at = NULL, probe_lease_until = NULL,
                    updated_at = $3, circuit_reset_seq = (SELECT coalesce(max(seq), 0) FROM payment_attempts WHERE merchant_id = $1 AND connector_id = $2)
              WHERE merchant_id = $1 AND id = $2 RETURNING id, circuit_state, circuit_forced, circuit_opened_at`,
        [merchantId, connectorId, now],
      );
      const changed = state === 'open' ? !wasOpen : wasOpen;
      return changed ? this.events.record(manager, merchantId, [circuitEvent(rows[0], now, null)]) : () => undefined;
    });
    afterCommit();
  }

  private async transition(
    merchantId: string,
    connectorId: string,
    now: Date,
    update: (manager: EntityManager) => Promise<CircuitRow[]>,
    lastError: string | null,
  ): Promise<void> {
    const afterCommit = await this.db.transaction(async (manager) => {
      await this.repository.materialize(manager, merchantId, connectorId, now);
      const rows = await update(manager);
      if (rows.length === 0) return () => undefined;
      return this.events.record(manager, merchantId, [circuitEvent(rows[0], now, lastError)]);
    });
    afterCommit();
  }
}

function circuitEvent(row: CircuitRow, now: Date, lastError: string | null): DomainEvent {
  return {
    type: row.circuit_state === 'closed' ? 'connector.circuit_closed' : 'connector.circuit_opened',
    object: {
      object: 'connector_circuit',
      connector: row.id,
      circuit: row.circuit_state,
      forced: row.circuit_forced,
      opened_at: row.circuit_opened_at ? new Date(row.circuit_opened_at).toISOString() : null,
      last_error: lastError,
    },
    occurredAt: now,
  };
}
