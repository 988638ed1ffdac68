import { DomainError } from '../common/errors/domain-error';
import { PaymentEvent } from './payment.machine';
import { PaymentEntity } from './entities/payment.entity';

const INVALID_AMOUNT_ERRORS: Partial<Record<PaymentEvent['type'], () => DomainError>> = {
  CAPTURE: () => new DomainError('capture_exceeds_authorized', 'The capture amount exceeds the authorized amount.', 'amount'),
  REFUND: () => new DomainError('refund_exceeds_captured', 'The refund amount exceeds what remains refundable.', 'amount'),
};

/** The one mapping from a machine refusal to the error the client sees. */
export function refusal(payment: PaymentEntity, event: PaymentEvent, reason: 'invalid_state' | 'invalid_amount'): DomainError {
  // A fully refunded payment has nothing left: any refund exceeds what remains (400, as for a
  // concurrent over-refund), although REFUNDED is a final state for the machine.
  const nothingLeft = event.type === 'REFUND' && payment.status === 'REFUNDED';
  const amountError = reason === 'invalid_amount' || nothingLeft ? INVALID_AMOUNT_ERRORS[event.type] : undefined;
  if (amountError) return amountError();
  return new DomainError(
    'payment_invalid_state',
    `This payment is ${payment.status}; it cannot be ${describeAction(event)}.`,
    undefined,
    { payment_id: payment.id, status: payment.status },
  );
}

/** Past capture_before, an authorization cannot be captured any more (even before its expiry action ran). */
export function assertNotExpired(payment: PaymentEntity, now: Date): void {
  if (payment.status !== 'AUTHORIZED' || !payment.captureBefore || payment.captureBefore > now) return;
  throw new DomainError(
    'payment_invalid_state',
    `This payment's authorization expired at ${payment.captureBefore.toISOString()}; it cannot be captured.`,
    undefined,
    { payment_id: payment.id, status: payment.status },
  );
}

function describeAction(event: PaymentEvent): string {
  const verbs: Record<PaymentEvent['type'], string> = {
    AUTHORIZE: 'authorized',
    DECLINE: 'declined',
    REQUIRE_ACTION: 'sent to 3-D Secure',
    PROCESS: 'sent to the customer',
    EXPIRE: 'expired',
    LATE_AUTHORIZE: 'authorized late',
    CAPTURE: 'captured',
    FAIL_CAPTURE: 'captured',
    CANCEL: 'canceled',
    REFUND: 'refunded',
    REVERT_REFUND: 'reverted',
  };
  return verbs[event.type];
}
