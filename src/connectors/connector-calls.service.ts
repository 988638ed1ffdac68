import { Injectable, Logger } from '@nestjs/common';
import { newId } from '../common/ids';
import { sleep } from '../common/sleep';
import { CteStatement } from '../database/cte-statement';
import { AttemptRecord, AttemptsRepository } from './attempts.repository';
import { CallReport, CircuitBreakerService } from './circuit-breaker.service';
import { BusinessOutcome, callResult, drawLatencyMs } from './connector-simulator';
import { RoutingConnector } from './connectors.service';

export interface CallPlan {
  /** Connector ids to try, in order (already filtered for eligibility and cut to max_attempts). */
  order: string[];
  firstReason: AttemptRecord['reason'];
}

export interface CallsOutcome {
  attempts: AttemptRecord[];
  /** The connector that answered (succeeded or declined), or null. */
  connector: string | null;
  /** What the payment machine is told: 'success' or the failure code. */
  verdict: BusinessOutcome;
  /** For the breaker, after the payment committed. */
  reports: CallReport[];
}

/**
 * Calls the planned connectors one after the other: a technical failure moves on to the next,
 * anything else (success or decline) ends the sequence. Each call waits its simulated latency
 * on a timer, holding no database connection or transaction. A half-open connector is called
 * only by the request that claims its single probe; the others skip it (not an attempt).
 */
@Injectable()
export class ConnectorCallsService {
  private readonly logger = new Logger(ConnectorCallsService.name);

  constructor(
    private readonly breaker: CircuitBreakerService,
    private readonly attemptsRepository: AttemptsRepository,
  ) {}

  async call(merchantId: string, plan: CallPlan, connectors: RoutingConnector[], business: BusinessOutcome, now: Date): Promise<CallsOutcome> {
    const byId = new Map(connectors.map((connector) => [connector.id, connector]));
    const attempts: AttemptRecord[] = [];
    const reports: CallReport[] = [];
    for (const id of plan.order) {
      const connector = byId.get(id);
      if (!connector) continue;
      const probe = connector.routableCircuit === 'half_open';
      if (probe && !(await this.breaker.claimProbe(merchantId, id, now))) continue;
      const latency = drawLatencyMs(connector.profile.latency_ms);
      await sleep(latency);
      const result = callResult(connector, business, now);
      attempts.push({
        id: newId('attempt'),
        connector: id,
        status: result.status,
        error: result.error,
        latency_ms: latency,
        reason: attempts.length === 0 ? plan.firstReason : 'fallback',
      });
      reports.push({ connector: id, failed: result.status === 'failed', error: result.error, probe });
      if (result.status !== 'failed') break;
    }
    return { attempts, reports, ...verdictOf(attempts) };
  }

  /** Adds the attempts to the payment's one-statement write. */
  appendAttempts(statement: CteStatement, merchantId: string, paymentId: string, attempts: AttemptRecord[], at: Date): void {
    this.attemptsRepository.appendInsert(statement, merchantId, paymentId, attempts, at);
  }

  /**
   * After the payment committed: feeds the calls to the circuit breakers (may open or close one).
   * The payment stands whatever happens here; a breaker update that fails is logged, and the next
   * failure re-evaluates the same conditions from the committed attempts (a held probe lease expires).
   */
  async report(merchantId: string, outcome: CallsOutcome, now: Date): Promise<void> {
    await this.breaker.report(merchantId, outcome.reports, now).catch((error: Error) => {
      this.logger.warn(`Circuit breaker update failed for merchant ${merchantId}: ${error.message}`);
    });
  }
}

/**
 * Nothing called → no_connector_available; the last call answered → its answer (success or the
 * decline code); every call failed technically → processing_error.
 */
export function verdictOf(attempts: AttemptRecord[]): { connector: string | null; verdict: BusinessOutcome } {
  const last = attempts.at(-1);
  if (!last) return { connector: null, verdict: 'no_connector_available' };
  if (last.status === 'failed') return { connector: null, verdict: 'processing_error' };
  return { connector: last.connector, verdict: last.status === 'succeeded' ? 'success' : (last.error ?? 'card_declined') };
}
