import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../common/actor';
import { PaymentEntity } from './entities/payment.entity';
import { PaymentStatus } from './payment.machine';

export interface HistoryStep {
  from: PaymentStatus | null;
  to: PaymentStatus;
  event: string;
}

// Each write is one statement: the payment row and its history rows commit together and cost one
// round trip. (Foreign keys from a sibling CTE are checked at the end of the statement.)
const HISTORY_FROM_STEPS = `
  INSERT INTO payment_history (payment_id, from_status, to_status, event, api_key_id, request_id, created_at)
  SELECT $1, step.from_status, step.to_status, step.event, $2, $3, $4
    FROM unnest($5::text[], $6::text[], $7::text[]) AS step (from_status, to_status, event)`;

const INSERT_WITH_HISTORY = `
  WITH payment AS (
    INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, amount_captured, amount_refunded,
      card_brand, card_last4, card_exp_month, card_exp_year, failure_code, failure_message, description,
      customer_email, metadata, idempotency_key, created_at, updated_at)
    VALUES ($1, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $4, $4)
  )${HISTORY_FROM_STEPS}`;

const UPDATE_WITH_HISTORY = `
  WITH payment AS (
    UPDATE payments
       SET status = $8, amount_captured = $9, amount_refunded = $10, failure_code = $11, failure_message = $12, updated_at = $4
     WHERE id = $1
  )${HISTORY_FROM_STEPS}`;

/** The payments tables' only writer: raw SQL so a state change is one round trip. */
@Injectable()
export class PaymentsRepository {
  async insertWithHistory(manager: EntityManager, actor: Actor, payment: PaymentEntity, steps: HistoryStep[]): Promise<void> {
    await manager.query(INSERT_WITH_HISTORY, [
      ...historyParams(actor, payment, steps),
      payment.merchantId,
      payment.amount,
      payment.currency,
      payment.status,
      payment.captureMethod,
      payment.amountCaptured,
      payment.amountRefunded,
      payment.cardBrand,
      payment.cardLast4,
      payment.cardExpMonth,
      payment.cardExpYear,
      payment.failureCode,
      payment.failureMessage,
      payment.description,
      payment.customerEmail,
      JSON.stringify(payment.metadata),
      payment.idempotencyKey,
    ]);
  }

  async updateWithHistory(manager: EntityManager, actor: Actor, payment: PaymentEntity, steps: HistoryStep[]): Promise<void> {
    await manager.query(UPDATE_WITH_HISTORY, [
      ...historyParams(actor, payment, steps),
      payment.status,
      payment.amountCaptured,
      payment.amountRefunded,
      payment.failureCode,
      payment.failureMessage,
    ]);
  }
}

function historyParams(actor: Actor, payment: PaymentEntity, steps: HistoryStep[]): unknown[] {
  return [
    payment.id,
    actor.apiKeyId,
    actor.requestId,
    payment.updatedAt,
    steps.map((step) => step.from),
    steps.map((step) => step.to),
    steps.map((step) => step.event),
  ];
}
