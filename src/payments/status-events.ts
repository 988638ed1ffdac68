import { DomainEvent } from '../events/domain-event';
import { capturable, toPaymentView } from './dto/payment.view';
import { PaymentEntity } from './entities/payment.entity';
import { PaymentStatus, REFUND_REVERTED_EVENT, statusEventName } from './payment.machine';
import { HistoryStep } from './payments.repository';

/** The history event of a payment's first step. */
export const CREATE_EVENT = 'CREATE';

/** One `payment.<status>` event per step; each carries the payment as it was after that step. */
export function statusEvents(payment: PaymentEntity, steps: HistoryStep[]): DomainEvent[] {
  const finalView = toPaymentView(payment);
  return steps.map((step, index) => {
    const isLast = index === steps.length - 1;
    const object = isLast ? finalView : { ...finalView, ...intermediateAmounts(payment, step.to) };
    return {
      type: eventTypeOf(step),
      paymentId: payment.id,
      object: object as unknown as Record<string, unknown>,
      occurredAt: payment.updatedAt,
    };
  });
}

/** payment.created, payment.refund_reverted (a refund that failed later), else payment.<status>. */
function eventTypeOf(step: HistoryStep): string {
  if (step.event === CREATE_EVENT) return 'payment.created';
  return step.event === 'REVERT_REFUND' ? REFUND_REVERTED_EVENT : statusEventName(step.to);
}

/** The payment as it looked at an intermediate creation step (before capture or failure). */
function intermediateAmounts(payment: PaymentEntity, status: PaymentStatus) {
  return {
    status,
    amount_capturable: capturable(status, payment.amount),
    amount_captured: 0,
    amount_refunded: 0,
    failure_code: null,
    failure_message: null,
    capture_before: null,
    last_payment_error: null,
    next_action: null,
    updated_at: payment.createdAt.toISOString(),
  };
}
