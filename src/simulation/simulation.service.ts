import { Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { MetricsService } from '../metrics/metrics.service';
import { ScenarioCandidate, ScenariosService } from './scenarios.service';
import { ApiFault, isApiFault, PaymentSimulateValue } from './simulation-vocabulary';

/** Faults that need the socket itself: the exception filter / reply still runs, then the connection is destroyed. */
export type SocketFault = 'connection_reset' | 'lost_response';

const RETRY_AFTER_SECONDS = 1;

/**
 * Faults of the API itself. The three "nothing committed" faults are raised before any write;
 * lost_response is armed after the commit and fires once the response (and the idempotent result)
 * has been produced: the connection is destroyed instead of being answered.
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
   * What a payment create asked for: its body's simulate, else its Sandbox-Simulate header, else
   * the next outcome of a matching scenario (consumed only when nothing explicit was asked).
   */
  async requestedPaymentOutcome(
    actor: Actor,
    explicit: PaymentSimulateValue | undefined,
    candidate: ScenarioCandidate,
  ): Promise<PaymentSimulateValue | undefined> {
    return explicit ?? (await this.scenarios.nextOutcome(actor.merchantId, candidate));
  }

  /** Throws the fault's error (nothing has been written yet) for the three faults that commit nothing. */
  failBeforeCommit(actor: Actor, operation: string, requested: string | undefined): void {
    if (!isApiFault(requested) || requested === 'lost_response') return;
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

  /** After the commit: lost_response closes the connection instead of answering. */
  afterCommit(actor: Actor, operation: string, requested: string | undefined): void {
    if (requested !== 'lost_response') return;
    this.count(actor, operation, requested);
    actor.socketFault = 'lost_response';
  }

  private count(actor: Actor, operation: string, fault: ApiFault): void {
    this.faults.inc({ fault, operation });
    this.logger.log(`simulated fault ${fault} on ${operation} (request ${actor.requestId})`);
  }
}
