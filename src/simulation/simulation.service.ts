import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { CteStatement } from '../database/cte-statement';
import { MetricsService } from '../metrics/metrics.service';
import { FaultOperation, SimulatedFaultEntity } from './entities/simulated-fault.entity';
import { SCENARIO_CTE, ScenarioCandidate, ScenariosService } from './scenarios.service';
import { ApiFault, isApiFault, PaymentSimulateValue } from './simulation-vocabulary';

/** Faults that need the socket itself: the exception filter / reply still runs, then the connection is destroyed. */
export type SocketFault = 'connection_reset' | 'lost_response';

/** What a lost_response commits next to itself: the payment (and refund) it struck, at merchant time. */
export interface CommittedObject {
  operation: FaultOperation;
  paymentId: string;
  refundId?: string;
  at: Date;
}

const RETRY_AFTER_SECONDS = 1;

/** The API faults raised before any write (lost_response commits, then loses the answer). */
const NOTHING_COMMITTED: readonly ApiFault[] = ['api_error', 'service_unavailable', 'connection_reset'];

/**
 * Faults of the API itself. The three "nothing committed" faults are raised before any write;
 * lost_response is written with the commit it strikes (a simulated_faults row, on the payment's
 * timeline) and fires once the response (and the idempotent result) has been produced: the
 * connection is destroyed instead of being answered.
 */
@Injectable()
export class SimulationService {
  private readonly logger = new Logger(SimulationService.name);
  private readonly faults: Counter<'fault' | 'operation'>;

  constructor(
    metrics: MetricsService,
    private readonly scenarios: ScenariosService,
  ) {
    this.faults = new Counter({
      name: 'sandbox_simulated_faults_total',
      help: 'Simulated API faults served (api_error, service_unavailable, connection_reset, lost_response) by operation.',
      labelNames: ['fault', 'operation'] as const,
      registers: [metrics.registry],
    });
  }

  /**
   * What a payment create asked for: `explicit` (its body's simulate, else its Sandbox-Simulate
   * header), else the next outcome of a matching scenario, taken in `statement` (a create's first
   * round trip; consumed only when nothing explicit was asked). `commits()` is a SQL condition, true
   * unless that outcome is a fault that commits nothing: what else the statement counts (risk
   * velocity) is guarded by it, so such a fault leaves no trace but the scenario's position.
   */
  appendRequestedPaymentOutcome(
    statement: CteStatement,
    actor: Actor,
    explicit: PaymentSimulateValue | undefined,
    candidate: ScenarioCandidate,
  ): { read: (row: Record<string, unknown>) => PaymentSimulateValue | undefined; commits: (() => string) | undefined } {
    if (explicit !== undefined) return { read: () => explicit, commits: undefined };
    const read = this.scenarios.appendNextOutcome(statement, actor.merchantId, candidate);
    // A function: the parameter exists only when a part of the statement uses the condition.
    const commits = () => `NOT EXISTS (SELECT 1 FROM ${SCENARIO_CTE} s WHERE s.outcome = ANY(${statement.param(NOTHING_COMMITTED)}::text[]))`;
    return { read, commits };
  }

  /** Throws the fault's error (nothing has been written yet) for the three faults that commit nothing. */
  failBeforeCommit(actor: Actor, operation: FaultOperation, requested: string | undefined): void {
    if (!isApiFault(requested) || !NOTHING_COMMITTED.includes(requested)) return;
    this.count(actor, operation, requested);
    if (requested === 'connection_reset') {
      actor.socketFault = 'connection_reset';
      throw new DomainError('api_error', 'Simulated connection reset (the connection is closed without an answer).');
    }
    if (requested === 'service_unavailable') {
      throw new DomainError('service_unavailable', 'Simulated outage: the API is temporarily unavailable. Retry later.', undefined, {
        retry_after: RETRY_AFTER_SECONDS,
      });
    }
    throw new DomainError('api_error', 'Simulated internal error: nothing was committed. Retry with the same Idempotency-Key.');
  }

  /** lost_response: adds its simulated_faults row to the statement that commits the payment (CTE `simulated_fault`). */
  appendCommittedFault(statement: CteStatement, actor: Actor, requested: string | undefined, committed: CommittedObject): void {
    const row = this.committedFault(actor, requested, committed);
    if (!row) return;
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'simulated_fault',
      `INSERT INTO simulated_faults (id, merchant_id, payment_id, refund_id, fault, operation, api_key_id, request_id, created_at)
       VALUES (${p(row.id)}, ${p(row.merchantId)}, ${p(row.paymentId)}, ${p(row.refundId)}, ${p(row.fault)}, ${p(row.operation)},
               ${p(row.apiKeyId)}, ${p(row.requestId)}, ${p(row.createdAt)})`,
    );
  }

  /** lost_response: writes its simulated_faults row in the transaction that commits the refund. */
  async recordCommittedFault(manager: EntityManager, actor: Actor, requested: string | undefined, committed: CommittedObject): Promise<void> {
    const row = this.committedFault(actor, requested, committed);
    if (row) await manager.insert(SimulatedFaultEntity, row);
  }

  /** After the commit: lost_response closes the connection instead of answering. */
  afterCommit(actor: Actor, operation: FaultOperation, requested: string | undefined): void {
    if (requested !== 'lost_response') return;
    this.count(actor, operation, requested);
    actor.socketFault = 'lost_response';
  }

  private committedFault(actor: Actor, requested: string | undefined, committed: CommittedObject): SimulatedFaultEntity | null {
    if (requested !== 'lost_response') return null;
    return {
      id: newId('simulatedFault'),
      merchantId: actor.merchantId,
      paymentId: committed.paymentId,
      refundId: committed.refundId ?? null,
      fault: requested,
      operation: committed.operation,
      apiKeyId: actor.apiKeyId,
      requestId: actor.requestId,
      createdAt: committed.at,
    };
  }

  private count(actor: Actor, operation: FaultOperation, fault: ApiFault): void {
    this.faults.inc({ fault, operation });
    this.logger.log(`simulated fault ${fault} on ${operation} (request ${actor.requestId})`);
  }
}
