import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClockService } from '../clock/clock.service';
import { Actor } from '../common/actor';
import { EventsService } from '../events/events.service';
import { CustomerAction } from '../payment-methods/customer-step';
import { ThreeDSChallengesService } from '../payment-methods/three-ds-challenges.service';
import { PaymentEntity } from '../payments/entities/payment.entity';
import { challengePage, expiredPage, HtmlPage, resultPage } from './challenge-page.html';
import { CustomerActionsService } from './customer-actions.service';
import { ChallengeChoice } from './dto/challenge-choice.dto';

export type ChallengeAnswer = HtmlPage | { status: 302; location: string };

const ACTION_OF_CHOICE: Record<ChallengeChoice, CustomerAction> = { complete: 'approve', fail: 'fail', cancel: 'cancel' };

/** `redirect_status` as Stripe names it: the customer cancelled, or the payment went through, or not. */
function redirectStatus(choice: ChallengeChoice, payment: PaymentEntity): 'succeeded' | 'failed' | 'canceled' {
  if (choice === 'cancel') return 'canceled';
  return payment.status === 'AUTHORIZED' || payment.status === 'CAPTURED' ? 'succeeded' : 'failed';
}

function returnLocation(returnUrl: string, paymentId: string, status: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('payment_id', paymentId);
  url.searchParams.set('redirect_status', status);
  return url.toString();
}

function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** The challenge page behind next_action.redirect_to_url: the one-time token is the only credential. */
@Injectable()
export class ThreeDSecurePageService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly challenges: ThreeDSChallengesService,
    private readonly customerActions: CustomerActionsService,
    private readonly events: EventsService,
    private readonly clock: ClockService,
  ) {}

  async show(token: string): Promise<HtmlPage> {
    const found = await this.pendingChallenge(this.db.manager, token, false);
    if (!found) return expiredPage();
    const { payment } = found;
    return challengePage({
      paymentId: payment.id,
      amount: formatAmount(payment.amount, payment.currency),
      cardLast4: payment.cardLast4,
      actionPath: `/v1/3ds/${token}`,
    });
  }

  /** The customer's choice: spends the token, ends the step, and sends the customer back. */
  async choose(token: string, choice: ChallengeChoice, requestId: string): Promise<ChallengeAnswer> {
    const done = await this.db.transaction(async (manager) => {
      const found = await this.pendingChallenge(manager, token, true);
      if (!found || !(await this.challenges.consume(manager, token, found.now))) return null;
      const actor: Actor = { merchantId: found.payment.merchantId, apiKeyId: null, requestId };
      const events = await this.customerActions.resolveLocked(manager, actor, found.payment, ACTION_OF_CHOICE[choice]);
      return { payment: found.payment, afterCommit: await this.events.record(manager, actor.merchantId, events) };
    });
    if (!done) return expiredPage();
    done.afterCommit();
    const status = redirectStatus(choice, done.payment);
    if (!done.payment.returnUrl) return resultPage(done.payment.id, status);
    return { status: 302, location: returnLocation(done.payment.returnUrl, done.payment.id, status) };
  }

  /** The payment behind an unused, unexpired token that still waits for authentication (locked when asked). */
  private async pendingChallenge(manager: EntityManager, token: string, lock: boolean): Promise<{ payment: PaymentEntity; now: Date } | null> {
    const challenge = await this.challenges.findUnused(manager, token);
    if (!challenge) return null;
    const payment = await manager.findOne(PaymentEntity, {
      where: { id: challenge.paymentId, merchantId: challenge.merchantId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    const now = await this.clock.now(challenge.merchantId, manager);
    if (!payment || payment.status !== 'REQUIRES_ACTION' || now.getTime() >= challenge.expiresAt.getTime()) return null;
    return { payment, now };
  }
}
