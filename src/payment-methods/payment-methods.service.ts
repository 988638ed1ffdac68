import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CteStatement } from '../database/cte-statement';
import type { SimulateCreateMode } from '../payments/card-simulation';
import type { PaymentEntity } from '../payments/entities/payment.entity';
import { CustomerStep, StepTimer } from './customer-step';
import type { CardDto } from './dto/payment-method.dto';
import { PaymentMethodRequest, planPaymentMethod, PreparedPaymentMethod } from './payment-method-plan';
import { nextActionFor } from './step-details';
import { StepTimers } from './step-timers';
import { ThreeDSChallengesService } from './three-ds-challenges.service';

/** Adds what the creating statement writes besides the payment: the challenge token and the step's timers. */
export type StepWriter = (statement: CteStatement) => void;

/** The payments module's door to payment methods: plan a payment's method, begin its customer step. */
@Injectable()
export class PaymentMethodsService {
  constructor(
    private readonly config: AppConfig,
    private readonly challenges: ThreeDSChallengesService,
    private readonly timers: StepTimers,
  ) {}

  /** Validates the method (400 with `param`) and decides how creation proceeds at `now` (merchant clock). Stores nothing. */
  prepare(request: PaymentMethodRequest, card: CardDto | null, cardOutcome: SimulateCreateMode, now: Date): PreparedPaymentMethod {
    return planPaymentMethod(request, card, cardOutcome, { threeDSecureTimeoutMs: this.config.threeDSecureTimeoutMs, now });
  }

  /**
   * Begins the customer step on the new payment (its plan and next_action) and returns what the
   * creating statement adds: the challenge token and the step's timers, on the merchant clock.
   * (The timers are the statement's `scheduled_action` CTE: a payment waiting for its customer
   * has no authorization expiry to schedule yet.)
   */
  begin(payment: PaymentEntity, step: CustomerStep, now: Date): StepWriter {
    const challenge = step.kind === 'three_d_secure' ? this.challenges.issue() : null;
    payment.customerStep = step;
    payment.nextAction = nextActionFor(payment, step, now, challenge?.url ?? null);
    const at = (ms: number) => new Date(now.getTime() + ms);
    const timers: Array<[StepTimer, Date]> = [];
    if (step.auto) timers.push(['auto', at(step.auto.afterMs)]);
    if (step.expiresAfterMs !== null) timers.push(['expire', at(step.expiresAfterMs)]);
    return (statement) => {
      const owner = { paymentId: payment.id, merchantId: payment.merchantId };
      if (challenge) this.challenges.appendInsert(statement, challenge.token, owner, now, at(step.expiresAfterMs ?? 0));
      this.timers.appendSchedule(statement, payment.merchantId, payment.id, timers);
    };
  }
}
