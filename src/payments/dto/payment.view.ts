import { ApiProperty } from '@nestjs/swagger';
import { OutcomeView } from '../../risk/dto/outcome.view';
import { NextAction, NextActionView } from '../../payment-methods/dto/next-action.view';
import { ApiPaymentMethodView, PaymentMethodView, toPaymentMethodView } from '../../payment-methods/dto/payment-method.view';
import { PaymentEntity } from '../entities/payment.entity';
import { CANCELLATION_REASONS, CancellationReason, PAYMENT_STATUSES, PaymentStatus } from '../payment.machine';

class AttemptView {
  @ApiProperty({ example: 'att_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ example: 'adyen_sim' }) connector: string;
  @ApiProperty({ enum: ['succeeded', 'declined', 'failed'], description: 'failed = technical (timeout, http_5xx, connection_reset, outage): the next connector is tried' })
  status: string;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'The technical error or the decline code' }) error: string | null;
  @ApiProperty({ example: 84 }) latency_ms: number;
  @ApiProperty({ enum: ['rule', 'default', 'volume_split', 'fallback', 'forced'] }) reason: string;
}

export class PaymentErrorView {
  @ApiProperty({ example: 'card_declined' }) code: string;
  @ApiProperty({ example: 'The card was declined.' }) message: string;
}

export class PaymentView {
  @ApiProperty({ example: 'pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V' }) id: string;
  @ApiProperty({ enum: ['payment'] }) object: 'payment';
  @ApiProperty({ example: 2000 }) amount: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: PAYMENT_STATUSES, example: 'CAPTURED' }) status: PaymentStatus;
  @ApiProperty({ enum: ['automatic', 'manual'] }) capture_method: 'automatic' | 'manual';
  @ApiProperty({ example: 0, description: 'What a capture may still take: the amount while AUTHORIZED, else 0.' })
  amount_capturable: number;
  @ApiProperty({ example: 2000 }) amount_captured: number;
  @ApiProperty({ example: 0 }) amount_refunded: number;
  @ApiPaymentMethodView() payment_method: PaymentMethodView;
  @ApiProperty({ type: NextActionView, nullable: true, description: 'What the customer must do (REQUIRES_ACTION, PROCESSING); null otherwise.' })
  next_action: NextAction | null;
  @ApiProperty({ nullable: true, type: String, example: 'stripe_sim', description: 'The connector that answered; null when none could be called' })
  connector: string | null;
  @ApiProperty({ type: [AttemptView], description: 'Every connector call, in order' }) attempts: AttemptView[];
  @ApiProperty({ nullable: true, type: String, example: 'US', description: 'ISO alpha-2; null when unknown' }) payer_country: string | null;
  @ApiProperty({ nullable: true, enum: ['explicit', 'ip', 'card'], description: 'customer_country, customer_ip or the card' })
  payer_country_source: 'explicit' | 'ip' | 'card' | null;
  @ApiProperty({ nullable: true, type: String, example: null }) failure_code: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) failure_message: string | null;
  @ApiProperty({ type: PaymentErrorView, nullable: true, example: null, description: 'Why the payment failed (status FAILED); null otherwise.' })
  last_payment_error: PaymentErrorView | null;
  @ApiProperty({ enum: [false], example: false, description: 'Always false: a sandbox has no live mode.' }) livemode: false;
  @ApiProperty({ nullable: true, type: String, example: 'Order #1234' }) description: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'jane@example.com' }) customer_email: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { order_id: '1234' } })
  metadata: Record<string, string>;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    example: '2026-11-29T10:00:00.000Z',
    description: 'A payment left AUTHORIZED (manual capture) can be captured until then (merchant clock; AUTH_EXPIRY after authorization); then it is canceled. null for payments never left authorized.',
  })
  capture_before: string | null;
  @ApiProperty({
    nullable: true,
    enum: CANCELLATION_REASONS,
    example: null,
    description: 'Why a CANCELED payment was canceled: requested (POST /cancel) or authorization_expired. null otherwise.',
  })
  cancellation_reason: CancellationReason | null;
  @ApiProperty({
    type: OutcomeView,
    nullable: true,
    description: 'What risk decided: the score, the level, the rule that matched and the resulting outcome type. null only for payments created before risk existed.',
  })
  outcome: OutcomeView | null;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-11-22T10:00:00.000Z' }) updated_at: string;
}

export function toPaymentView(row: PaymentEntity): PaymentView {
  return {
    id: row.id,
    object: 'payment',
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    capture_method: row.captureMethod,
    amount_capturable: capturable(row.status, row.amount),
    amount_captured: row.amountCaptured,
    amount_refunded: row.amountRefunded,
    payment_method: toPaymentMethodView(row),
    next_action: row.nextAction,
    connector: row.connector,
    attempts: row.attempts,
    payer_country: row.payerCountry,
    payer_country_source: row.payerCountrySource,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    last_payment_error: paymentError(row.status, row.failureCode, row.failureMessage),
    livemode: false,
    description: row.description,
    customer_email: row.customerEmail,
    metadata: row.metadata,
    capture_before: row.captureBefore ? row.captureBefore.toISOString() : null,
    cancellation_reason: row.cancellationReason,
    outcome: row.outcome ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** A capture may take up to the authorized amount, only while the payment is AUTHORIZED. */
export function capturable(status: PaymentStatus, amount: number): number {
  return status === 'AUTHORIZED' ? amount : 0;
}

export function paymentError(status: PaymentStatus, code: string | null, message: string | null): PaymentErrorView | null {
  return status === 'FAILED' && code ? { code, message: message ?? code } : null;
}
