import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { CteStatement } from '../database/cte-statement';
import { PaymentEntity } from './entities/payment.entity';
import { PaymentStatus } from './payment.machine';

export interface HistoryStep {
  from: PaymentStatus | null;
  to: PaymentStatus;
  event: string;
}

/** The payments tables' only writer: raw SQL so a state change and its history rows are one statement. */
@Injectable()
export class PaymentsRepository {
  /** Adds the new payment row and its history rows to `statement` (CTEs `payment` and `history`). */
  appendInsert(statement: CteStatement, actor: Actor, payment: PaymentEntity, steps: HistoryStep[]): void {
    const p = (value: unknown) => statement.param(value);
    const at = p(payment.updatedAt);
    statement.with(
      'payment',
      `INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, amount_captured, amount_refunded,
         card_brand, card_last4, card_exp_month, card_exp_year, failure_code, failure_message, description,
         customer_email, metadata, idempotency_key, capture_before, cancellation_reason, connector, attempts, payer_country,
         payer_country_source, card_country, outcome, created_at, updated_at,
         refund_fails_later, payment_method_type, three_d_secure, upi, mpesa, next_action, customer_step, return_url)
       VALUES (${p(payment.id)}, ${p(payment.merchantId)}, ${p(payment.amount)}, ${p(payment.currency)}, ${p(payment.status)},
         ${p(payment.captureMethod)}, ${p(payment.amountCaptured)}, ${p(payment.amountRefunded)}, ${p(payment.cardBrand)},
         ${p(payment.cardLast4)}, ${p(payment.cardExpMonth)}, ${p(payment.cardExpYear)}, ${p(payment.failureCode)},
         ${p(payment.failureMessage)}, ${p(payment.description)}, ${p(payment.customerEmail)}, ${p(JSON.stringify(payment.metadata))},
         ${p(payment.idempotencyKey)}, ${p(payment.captureBefore)}, ${p(payment.cancellationReason)}, ${p(payment.connector)},
         ${p(JSON.stringify(payment.attempts))}, ${p(payment.payerCountry)}, ${p(payment.payerCountrySource)}, ${p(payment.cardCountry)},
         ${p(payment.outcome ? JSON.stringify(payment.outcome) : null)}, ${at}, ${at}, ${p(payment.refundFailsLater)},
         ${this.methodValues(statement, payment)})`,
    );
    this.appendHistory(statement, actor, payment, steps, at);
  }

  /** Updates a (locked) payment and writes its history row, in one statement. */
  async updateWithHistory(manager: EntityManager, actor: Actor, payment: PaymentEntity, steps: HistoryStep[]): Promise<void> {
    const statement = new CteStatement();
    this.appendUpdate(statement, actor, payment, steps);
    await manager.query(...statement.build('SELECT 1'));
  }

  /** Adds the update of a (locked) payment and its history rows to `statement` (CTEs `payment` and `history`). */
  appendUpdate(statement: CteStatement, actor: Actor, payment: PaymentEntity, steps: HistoryStep[]): void {
    const p = (value: unknown) => statement.param(value);
    const at = p(payment.updatedAt);
    statement.with(
      'payment',
      `UPDATE payments
          SET status = ${p(payment.status)}, amount_captured = ${p(payment.amountCaptured)}, amount_refunded = ${p(payment.amountRefunded)},
              failure_code = ${p(payment.failureCode)}, failure_message = ${p(payment.failureMessage)},
              cancellation_reason = ${p(payment.cancellationReason)}, capture_before = ${p(payment.captureBefore)}, updated_at = ${at},
              outcome = ${p(payment.outcome ? JSON.stringify(payment.outcome) : null)}::jsonb,
              (payment_method_type, three_d_secure, upi, mpesa, next_action, customer_step, return_url) =
                (${this.methodValues(statement, payment)})
        WHERE id = ${p(payment.id)}`,
    );
    this.appendHistory(statement, actor, payment, steps, at);
  }

  /** The payment-method columns (design-v2 §2), in the order both statements list them. */
  private methodValues(statement: CteStatement, payment: PaymentEntity): string {
    const json = (value: unknown) => statement.param(value === null ? null : JSON.stringify(value));
    return [
      statement.param(payment.method),
      json(payment.threeDSecure),
      json(payment.upi),
      json(payment.mpesa),
      json(payment.nextAction),
      json(payment.customerStep),
      statement.param(payment.returnUrl),
    ].join(', ');
  }

  private appendHistory(statement: CteStatement, actor: Actor, payment: PaymentEntity, steps: HistoryStep[], at: string): void {
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'history',
      `INSERT INTO payment_history (payment_id, from_status, to_status, event, api_key_id, request_id, ip, user_agent, created_at)
       SELECT ${p(payment.id)}, step.from_status, step.to_status, step.event, ${p(actor.apiKeyId)}, ${p(actor.requestId)},
              ${p(actor.ip ?? null)}, ${p(actor.userAgent ?? null)}, ${at}
         FROM unnest(${p(steps.map((step) => step.from))}::text[], ${p(steps.map((step) => step.to))}::text[],
                     ${p(steps.map((step) => step.event))}::text[]) AS step (from_status, to_status, event)`,
    );
  }
}
