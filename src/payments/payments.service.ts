import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan, Raw } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { ConnectorCallsService, CallsOutcome } from '../connectors/connector-calls.service';
import { RoutePlan } from '../routing/routing.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { createdWithin, ListResponse, toList } from '../common/pagination';
import { sleep } from '../common/sleep';
import { AppConfig } from '../config/app-config';
import { CteStatement } from '../database/cte-statement';
import { AfterCommit, DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';
import { failureMessage, SimulateCreateMode } from './card-simulation';
import { CapturePaymentDto, CancelPaymentDto } from './dto/capture-payment.dto';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { SimulationService } from '../simulation/simulation.service';
import { isApiFault, parseSimulateHeader, PAYMENT_SIMULATE_VALUES } from '../simulation/simulation-vocabulary';
import { ListPaymentsQueryDto } from './dto/list-payments.query';
import { PaymentView, toPaymentView } from './dto/payment.view';
import { PaymentEntity } from './entities/payment.entity';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import { AUTHORIZATION_EXPIRY_KIND } from './authorization-expiry.kind';
import { PaymentMethodsService } from '../payment-methods/payment-methods.service';
import { applyPaymentEvent, isWaitingForCustomer, PaymentEvent } from './payment.machine';
import { HistoryStep, PaymentsRepository } from './payments.repository';
import { ReviewsService } from '../reviews/reviews.service';
import { outcomeOf } from '../risk/outcome';
import { assessAtCreation, CreationAssessment, requestsThreeDSecure } from '../risk/risk-decision';
import { RiskDecision, RiskService } from '../risk/risk.service';
import { paymentFacts } from './payment-facts';
import { CreationInputsService } from './creation-inputs.service';
import { assertKnownCurrency, newPayment, resolveCard, resolveCardOutcome } from './new-payment';
import { assertNotExpired, refusal } from './payment-refusals';
import { CREATE_EVENT, statusEvents } from './status-events';

/** Payments of one merchant created in a range, grouped (analytics); sums are bigint text from pg. */
export interface PaymentGroupRow {
  status: string;
  currency: string;
  failure_code: string | null;
  count: number;
  volume: string;
  captured: string;
  refunded: string;
}

/** What a payment risk blocked got from the connectors: nothing (none was called). */
const BLOCKED_BY_RISK: CallsOutcome = { attempts: [], connector: null, verdict: 'fraud_detected', reports: [] };

const NETWORK_TIMEOUT_DEFAULT_DELAY_MS = 5_000;

@Injectable()
export class PaymentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: PaymentsRepository,
    private readonly events: EventsService,
    private readonly calls: ConnectorCallsService,
    private readonly clock: ClockService,
    private readonly scheduler: ScheduledActionsService,
    private readonly config: AppConfig,
    private readonly risk: RiskService,
    private readonly reviews: ReviewsService,
    private readonly paymentMethods: PaymentMethodsService,
    private readonly simulation: SimulationService,
    private readonly inputs: CreationInputsService,
  ) {}

  /**
   * Creates a payment in two round trips: what the decisions read (a scenario's outcome, routing,
   * risk rules and velocity: CreationInputsService) → payer country, risk, routing, connector calls
   * (their latency on a timer, no connection held) → the machine → one write (payment, history,
   * attempts, events, deliveries); then the circuit breakers hear about the calls. Simulated API
   * faults (src/simulation) are decided before any call or write; lost_response is recorded with the
   * commit and fires after it.
   */
  async create(actor: Actor, dto: CreatePaymentDto, simulateHeader?: string | string[]): Promise<PaymentView> {
    const header = parseSimulateHeader(simulateHeader, PAYMENT_SIMULATE_VALUES);
    const recovered = await this.findByIdempotencyKey(actor);
    if (recovered) return recovered;
    const now = await this.clock.now(actor.merchantId);
    const card = resolveCard(dto, now);
    assertKnownCurrency(dto.currency);
    // A fault that commits nothing is raised before anything is written or counted: an explicit one
    // before the first statement, a scenario's once that statement has taken it (it counted nothing).
    const asked = dto.simulate ?? header;
    this.simulation.failBeforeCommit(actor, 'payment.create', asked);
    const paymentId = newId('payment');
    const facts = paymentFacts(dto, paymentId);
    const inputs = await this.inputs.load(actor, dto, card, asked, facts, now);
    const requested = inputs.requested;
    if (asked === undefined) this.simulation.failBeforeCommit(actor, 'payment.create', requested);
    const explicit = isApiFault(requested) ? undefined : requested;
    const outcome = card ? resolveCardOutcome(explicit, card, now) : 'success';
    let method = this.paymentMethods.prepare(dto, card, outcome, now);
    const payment = newPayment(actor, paymentId, dto, card, method.details, now);
    Object.assign(payment, { payerCountry: facts.payer.country, payerCountrySource: facts.payer.source, cardCountry: facts.payer.cardCountry });
    // Risk (card payments) decides before any connector is called: a blocked payment never reaches one (FAILED fraud_detected).
    const risk = inputs.risk?.(outcome === 'fraud_detected') ?? null;
    if (risk && requestsThreeDSecure(risk)) {
      // A request_3ds rule asks for 3-D Secure as `three_d_secure: "required"` would (the card's table still applies).
      method = this.paymentMethods.prepare({ ...dto, three_d_secure: 'required' }, card, outcome, now);
      Object.assign(payment, method.details);
    }
    const assessment = risk ? assessAtCreation(risk, method.plan.kind === 'customer_step') : null;
    // A customer step asks the connector to start it; the bank's own answer comes after the step.
    const stepPlan = method.plan.kind === 'customer_step' && !assessment?.blocked ? method.plan : null;
    const calls = assessment?.blocked ? BLOCKED_BY_RISK : await this.callConnectors(actor, inputs.plan(dto.connector), stepPlan ? 'success' : outcome, now);
    Object.assign(payment, { connector: calls.connector, attempts: calls.attempts });
    const waits = stepPlan !== null && calls.verdict === 'success';
    if (assessment) payment.outcome = outcomeOf(assessment, { kind: waits ? 'waiting' : calls.verdict === 'success' ? 'authorized' : 'declined' });
    const steps = waits ? this.enterCustomerStep(payment, stepPlan.enter) : this.runCreation(payment, dto, calls.verdict as SimulateCreateMode);
    const writeStep = waits ? this.paymentMethods.begin(payment, stepPlan.step, now) : null;
    const expiry = this.expiryOf(payment);
    // One statement (atomic on its own): the payment, its history, its expiry or step, attempts, risk bookkeeping, events and their deliveries.
    const statement = new CteStatement();
    this.repository.appendInsert(statement, actor, payment, steps);
    this.scheduler.appendSchedule(statement, expiry);
    writeStep?.(statement);
    this.calls.appendAttempts(statement, actor.merchantId, payment.id, calls.attempts, now);
    const riskEvents = risk && assessment ? this.appendRiskEffects(statement, payment, risk, assessment, now) : [];
    // lost_response: the payment's timeline shows its answer was lost on purpose (same statement, so same commit).
    this.simulation.appendCommittedFault(statement, actor, requested, { operation: 'payment.create', paymentId: payment.id, at: payment.updatedAt });
    const recorded = this.events.appendRecord(statement, actor.merchantId, [...this.creationEvents(payment, steps, calls), ...riskEvents]);
    const rows: Array<{ id: string }> = await this.db.query(...statement.build(recorded.finalQuery));
    recorded.afterCommit(rows)();
    await this.calls.report(actor.merchantId, calls, now);
    this.simulation.afterCommit(actor, 'payment.create', requested);
    if (calls.verdict === 'network_timeout') {
      await sleep(dto.simulate_delay_ms ?? NETWORK_TIMEOUT_DEFAULT_DELAY_MS);
      throw new DomainError('network_timeout', 'The card network did not respond in time; the payment failed.', undefined, {
        payment_id: payment.id,
      });
    }
    await sleep(dto.simulate_delay_ms);
    return toPaymentView(payment);
  }

  /**
   * A failed payment counts as a decline on its card; one waiting for 3-D Secure leaves risk a hold
   * (the rest is decided when the challenge ends); a manual_review outcome opens a review (review.opened).
   */
  private appendRiskEffects(statement: CteStatement, payment: PaymentEntity, risk: RiskDecision, assessment: CreationAssessment, now: Date): DomainEvent[] {
    if (payment.status === 'FAILED') this.risk.appendDecline(statement, payment.merchantId, risk, now);
    if (payment.status === 'REQUIRES_ACTION') this.risk.appendHold(statement, payment.merchantId, payment.id, risk, assessment, now);
    if (payment.outcome?.type !== 'manual_review' || !['AUTHORIZED', 'CAPTURED'].includes(payment.status)) return [];
    return [this.reviews.appendOpen(statement, payment.merchantId, payment.id, now)];
  }

  private async callConnectors(actor: Actor, plan: RoutePlan, outcome: SimulateCreateMode, now: Date): Promise<CallsOutcome> {
    return this.calls.call(actor.merchantId, plan.decision, plan.connectors, outcome, now);
  }

  /** payment.created, a payment.attempt_failed per technically failed call, then the status events. */
  private creationEvents(payment: PaymentEntity, steps: HistoryStep[], calls: CallsOutcome): DomainEvent[] {
    const [created, ...rest] = statusEvents(payment, steps);
    const attemptFailed = calls.attempts
      .filter((attempt) => attempt.status === 'failed')
      .map((attempt) => ({
        type: 'payment.attempt_failed',
        paymentId: payment.id,
        object: { object: 'payment_attempt', payment_id: payment.id, ...attempt },
        occurredAt: payment.updatedAt,
      }));
    return [created, ...attemptFailed, ...rest];
  }

  /**
   * A retry that took over a crashed request's Idempotency-Key returns the payment that request
   * committed (answering as it did: 504 for a network_timeout payment) instead of creating another.
   */
  private async findByIdempotencyKey(actor: Actor): Promise<PaymentView | null> {
    if (!actor.idempotencyKey) return null;
    const row = await this.db.manager.findOneBy(PaymentEntity, { merchantId: actor.merchantId, idempotencyKey: actor.idempotencyKey });
    if (!row) return null;
    if (row.failureCode === 'network_timeout') {
      throw new DomainError('network_timeout', 'The card network did not respond in time; the payment failed.', undefined, {
        payment_id: row.id,
      });
    }
    return toPaymentView(row);
  }

  async get(actor: Actor, id: string): Promise<PaymentView> {
    const row = await this.db.manager.findOneBy(PaymentEntity, { id, merchantId: actor.merchantId });
    if (!row) throw DomainError.notFound('payment', id);
    return toPaymentView(row);
  }

  async list(actor: Actor, query: ListPaymentsQueryDto): Promise<ListResponse<PaymentView>> {
    const rows = await this.db.manager.find(PaymentEntity, {
      where: {
        merchantId: actor.merchantId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.starting_after ? { id: LessThan(query.starting_after) } : {}),
        ...(query.metadata ? { metadata: Raw((column) => `${column} @> CAST(:metadata AS jsonb)`, { metadata: JSON.stringify(query.metadata) }) } : {}),
        ...createdWithin(query.created),
      },
      order: { id: 'DESC' },
      take: query.limit + 1,
    });
    return toList(rows, query.limit, toPaymentView);
  }

  /** One GROUP BY over the merchant's payments created in [from, to) (index payments_merchant_created_at_idx). */
  groupedTotals(merchantId: string, from: Date, to: Date): Promise<PaymentGroupRow[]> {
    return this.db.query(
      `SELECT status, currency, failure_code, count(*)::int AS count,
              sum(amount)::text AS volume, sum(amount_captured)::text AS captured, sum(amount_refunded)::text AS refunded
         FROM payments
        WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3
        GROUP BY status, currency, failure_code`,
      [merchantId, from, to],
    );
  }

  async capture(actor: Actor, id: string, dto: CapturePaymentDto): Promise<PaymentView> {
    return this.act(actor, id, dto.simulate_delay_ms, (payment, now) => {
      assertNotExpired(payment, now);
      return dto.simulate ? { type: 'FAIL_CAPTURE', failureCode: dto.simulate } : { type: 'CAPTURE', amount: dto.amount ?? payment.amount };
    });
  }

  async cancel(actor: Actor, id: string, dto: CancelPaymentDto): Promise<PaymentView> {
    return this.act(actor, id, dto.simulate_delay_ms, () => ({ type: 'CANCEL', reason: 'requested' }));
  }

  /** Loads a payment of this merchant with its row locked for the rest of the transaction. */
  async lockForUpdate(manager: EntityManager, actor: Actor, id: string): Promise<PaymentEntity> {
    const row = await manager.findOne(PaymentEntity, {
      where: { id, merchantId: actor.merchantId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!row) throw DomainError.notFound('payment', id);
    return row;
  }

  /**
   * Applies one machine event to a locked payment: persists the row and its history row and
   * returns the status events to record. Throws (changing nothing) when the machine refuses.
   */
  async applyEvent(manager: EntityManager, actor: Actor, payment: PaymentEntity, event: PaymentEvent): Promise<DomainEvent[]> {
    const step = this.transition(payment, event);
    payment.updatedAt = await this.clock.now(actor.merchantId, manager);
    // Authorized after a customer step (or late): capture_before counts from now.
    const expiry = step.to === 'AUTHORIZED' && step.from !== 'AUTHORIZED' ? this.expiryOf(payment, payment.updatedAt) : [];
    await this.repository.updateWithHistory(manager, actor, payment, [step]);
    await this.scheduler.schedule(manager, expiry);
    return statusEvents(payment, [step]);
  }

  /**
   * applyEvent + EventsService.record in one statement (payment, history, events, deliveries, and
   * whatever `also` adds): returns what to run after commit.
   */
  async applyAndRecord(
    manager: EntityManager,
    actor: Actor,
    payment: PaymentEntity,
    event: PaymentEvent,
    also: (statement: CteStatement) => void = () => undefined,
  ): Promise<AfterCommit> {
    const step = this.transition(payment, event);
    payment.updatedAt = await this.clock.now(actor.merchantId, manager);
    const statement = new CteStatement();
    this.repository.appendUpdate(statement, actor, payment, [step]);
    also(statement);
    const recorded = this.events.appendRecord(statement, actor.merchantId, statusEvents(payment, [step]));
    const rows: Array<{ id: string }> = await manager.query(...statement.build(recorded.finalQuery));
    return recorded.afterCommit(rows);
  }

  /** The machine's verdict on `event` without applying it: throws the same error applyEvent would. */
  assertAllowed(payment: PaymentEntity, event: PaymentEvent): void {
    const result = applyPaymentEvent(payment, event);
    if (!result.ok) throw refusal(payment, event, result.reason);
  }

  private async act(
    actor: Actor,
    id: string,
    delayMs: number | undefined,
    eventFor: (payment: PaymentEntity, now: Date) => PaymentEvent,
  ): Promise<PaymentView> {
    // The simulated latency applies to refusals too; it starts after the transaction has ended.
    const outcome = await this.db
      .transaction(async (manager) => {
        const locked = await this.lockForUpdate(manager, actor, id);
        const wasAuthorized = locked.status === 'AUTHORIZED';
        const event = eventFor(locked, await this.clock.now(actor.merchantId, manager));
        const afterCommit = await this.applyAndRecord(manager, actor, locked, event, (statement) => {
          // Captured, failed or canceled: its expiry has nothing left to do.
          if (wasAuthorized) this.scheduler.appendCancel(statement, actor.merchantId, AUTHORIZATION_EXPIRY_KIND, locked.id);
        });
        return { payment: locked, afterCommit };
      })
      .catch(async (error: unknown) => {
        await sleep(delayMs);
        throw error;
      });
    outcome.afterCommit();
    await sleep(delayMs);
    return toPaymentView(outcome.payment);
  }

  /** Asks the machine; on success mutates the in-memory row and returns the step taken. */
  private transition(payment: PaymentEntity, event: PaymentEvent): HistoryStep {
    const result = applyPaymentEvent(payment, event);
    if (!result.ok) throw refusal(payment, event, result.reason);
    payment.status = result.to;
    payment.amountCaptured = result.context.amountCaptured;
    payment.amountRefunded = result.context.amountRefunded;
    if (result.to === 'CANCELED') payment.cancellationReason = event.type === 'CANCEL' ? (event.reason ?? 'requested') : 'requested';
    if (result.context.failureCode !== payment.failureCode) {
      payment.failureCode = result.context.failureCode;
      payment.failureMessage = result.context.failureCode ? failureMessage(result.context.failureCode) : null;
    }
    // Leaving REQUIRES_ACTION/PROCESSING by any path (including a merchant cancel) ends the customer step.
    if (!isWaitingForCustomer(result.to)) payment.nextAction = null;
    return { from: result.from, to: result.to, event: event.type };
  }

  private enterCustomerStep(payment: PaymentEntity, enter: 'REQUIRE_ACTION' | 'PROCESS'): HistoryStep[] {
    return [{ from: null, to: 'CREATED', event: CREATE_EVENT }, this.transition(payment, { type: enter })];
  }

  private runCreation(payment: PaymentEntity, dto: CreatePaymentDto, outcome: SimulateCreateMode | 'no_connector_available'): HistoryStep[] {
    const steps: HistoryStep[] = [{ from: null, to: 'CREATED', event: CREATE_EVENT }];
    if (outcome !== 'success') {
      steps.push(this.transition(payment, { type: 'DECLINE', failureCode: outcome }));
      return steps;
    }
    steps.push(this.transition(payment, { type: 'AUTHORIZE' }));
    if (payment.captureMethod === 'automatic') {
      steps.push(this.transition(payment, { type: 'CAPTURE', amount: dto.amount }));
    }
    return steps;
  }

  /** A payment left AUTHORIZED gets capture_before (AUTH_EXPIRY later) and the action that expires it then. */
  private expiryOf(payment: PaymentEntity, authorizedAt = payment.createdAt) {
    if (payment.status !== 'AUTHORIZED') return [];
    payment.captureBefore = new Date(authorizedAt.getTime() + this.config.authExpiryMs);
    return [
      {
        merchantId: payment.merchantId,
        kind: AUTHORIZATION_EXPIRY_KIND,
        dueAt: payment.captureBefore,
        payload: { payment_id: payment.id },
        dedupeKey: payment.id,
      },
    ];
  }

}

