import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { AfterCommit, DomainEvent } from '../events/domain-event';
import { EventsService } from '../events/events.service';
import { comesBackLate, CustomerAction, declined, failureCodeOf, outcomeOfAction, outcomeOfTimer, StepOutcome, stepEvent, StepTimer } from '../payment-methods/customer-step';
import { lateAuthorizedDetails, settledDetails } from '../payment-methods/step-details';
import { StepTimers } from '../payment-methods/step-timers';
import { ThreeDSChallengesService } from '../payment-methods/three-ds-challenges.service';
import { PaymentView, toPaymentView } from '../payments/dto/payment.view';
import { PaymentEntity } from '../payments/entities/payment.entity';
import { applyPaymentEvent, isWaitingForCustomer } from '../payments/payment.machine';
import { PaymentsService } from '../payments/payments.service';
import { ReviewsService } from '../reviews/reviews.service';
import { RiskService } from '../risk/risk.service';

/** What ended a step: the customer completed it (approve) or not; only the former authenticates a 3DS card. */
interface Resolution {
  outcome: StepOutcome;
  customerCompleted: boolean;
}

/**
 * Ends pending customer steps, through the machine, with the payment row locked: the test helper
 * (`customer-action`), the 3-D Secure page and the timers on the merchant clock all come here, so a
 * step ends exactly once whoever comes first; the others find nothing pending.
 */
@Injectable()
export class CustomerActionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly payments: PaymentsService,
    private readonly events: EventsService,
    private readonly clock: ClockService,
    private readonly timers: StepTimers,
    private readonly challenges: ThreeDSChallengesService,
    private readonly risk: RiskService,
    private readonly reviews: ReviewsService,
  ) {}

  /** POST /v1/payments/:id/customer-action: resolves the pending step now as that customer would. */
  async act(actor: Actor, id: string, action: CustomerAction): Promise<PaymentView> {
    const done = await this.db.transaction(async (manager) => {
      const payment = await this.payments.lockForUpdate(manager, actor, id);
      assertPending(payment);
      const events = await this.resolveLocked(manager, actor, payment, action);
      return { payment, afterCommit: await this.events.record(manager, actor.merchantId, events) };
    });
    done.afterCommit();
    return toPaymentView(done.payment);
  }

  /** Ends the locked, pending payment's step as the customer chose; returns the events to record. */
  async resolveLocked(manager: EntityManager, actor: Actor, payment: PaymentEntity, action: CustomerAction): Promise<DomainEvent[]> {
    const step = pendingStep(payment);
    return this.settle(manager, actor, payment, { outcome: outcomeOfAction(step, action), customerCompleted: action === 'approve' });
  }

  /**
   * A timer fired (merchant clock): the automatic answer, the expiry, or the late UPI authorization.
   * Idempotent: does nothing once the step is no longer pending (or the payment is not late-authorizable).
   */
  async onTimer(manager: EntityManager, actor: Actor, paymentId: string, timer: StepTimer): Promise<AfterCommit> {
    const events = await this.timerEvents(manager, actor, paymentId, timer);
    return this.events.record(manager, actor.merchantId, events);
  }

  private async timerEvents(manager: EntityManager, actor: Actor, paymentId: string, timer: StepTimer): Promise<DomainEvent[]> {
    // A payment deleted with its merchant leaves nothing to do; any other error rolls back and retries.
    const payment = await this.payments.lockForUpdate(manager, actor, paymentId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'resource_missing') return null;
      throw error;
    });
    if (!payment || !payment.customerStep) return [];
    if (timer === 'late') return this.authorizeLate(manager, actor, payment);
    if (!isWaitingForCustomer(payment.status)) return [];
    const outcome = outcomeOfTimer(payment.customerStep, timer);
    return outcome ? this.settle(manager, actor, payment, { outcome, customerCompleted: false }) : [];
  }

  private async settle(manager: EntityManager, actor: Actor, payment: PaymentEntity, resolution: Resolution): Promise<DomainEvent[]> {
    const step = pendingStep(payment);
    const now = await this.clock.now(payment.merchantId, manager);
    // After 3-D Secure, risk has its say (design-v2 §4): a payment a request_3ds rule sent here runs allow/block/review now.
    const risk =
      step.kind === 'three_d_secure'
        ? await this.risk.afterChallenge(manager, payment.merchantId, payment.id, { authenticated: resolution.customerCompleted, failureCode: failureCodeOf(resolution.outcome) }, now)
        : null;
    const outcome = risk?.block ? declined('fraud_detected') : resolution.outcome;
    if (risk) payment.outcome = risk.outcome;
    Object.assign(payment, settledDetails(payment, outcome, resolution.customerCompleted));
    const events = await this.payments.applyEvent(manager, actor, payment, stepEvent(outcome));
    events.push(...(await this.captureIfAutomatic(manager, actor, payment)));
    if (risk?.openReview && (payment.status === 'AUTHORIZED' || payment.status === 'CAPTURED')) {
      events.push(await this.reviews.open(manager, payment.merchantId, payment.id, payment.updatedAt));
    }
    if (comesBackLate(step, outcome) && step.lateAfterMs !== null) {
      await this.timers.schedule(manager, payment.merchantId, payment.id, 'late', new Date(now.getTime() + step.lateAfterMs));
    }
    if (step.kind === 'three_d_secure') await this.challenges.retire(manager, payment.id, now);
    return events;
  }

  /** design-v2 §2, late@: FAILED(payment_expired) → AUTHORIZED (→ CAPTURED when automatic), if the machine agrees. */
  private async authorizeLate(manager: EntityManager, actor: Actor, payment: PaymentEntity): Promise<DomainEvent[]> {
    if (!applyPaymentEvent(payment, { type: 'LATE_AUTHORIZE' }).ok) return [];
    Object.assign(payment, lateAuthorizedDetails(payment));
    const events = await this.payments.applyEvent(manager, actor, payment, { type: 'LATE_AUTHORIZE' });
    return [...events, ...(await this.captureIfAutomatic(manager, actor, payment))];
  }

  private async captureIfAutomatic(manager: EntityManager, actor: Actor, payment: PaymentEntity): Promise<DomainEvent[]> {
    if (payment.status !== 'AUTHORIZED' || payment.captureMethod !== 'automatic') return [];
    return this.payments.applyEvent(manager, actor, payment, { type: 'CAPTURE', amount: payment.amount });
  }
}

function assertPending(payment: PaymentEntity): void {
  if (isWaitingForCustomer(payment.status) && payment.customerStep) return;
  throw new DomainError(
    'payment_invalid_state',
    `This payment is ${payment.status}; no customer step is pending (only REQUIRES_ACTION and PROCESSING payments have one).`,
    undefined,
    { payment_id: payment.id, status: payment.status },
  );
}

function pendingStep(payment: PaymentEntity) {
  assertPending(payment);
  return payment.customerStep as NonNullable<PaymentEntity['customerStep']>;
}
