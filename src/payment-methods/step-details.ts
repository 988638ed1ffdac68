import type { PaymentEntity } from '../payments/entities/payment.entity';
import { CustomerStep, failureCodeOf, StepOutcome } from './customer-step';
import type { NextAction } from './dto/next-action.view';
import { settledMpesa } from './mpesa';
import { challengeResult } from './three-d-secure';
import { npciCode, upiIntentUrl } from './upi';

type StepPayment = Pick<PaymentEntity, 'id' | 'amount' | 'method' | 'upi' | 'mpesa' | 'returnUrl'>;

/** design-v2 §2: what the customer must do while the step is pending. */
export function nextActionFor(payment: StepPayment, step: CustomerStep, now: Date, challengeUrl: string | null): NextAction {
  if (step.kind === 'three_d_secure') {
    return { type: 'redirect_to_url', redirect_to_url: { url: challengeUrl ?? '', return_url: payment.returnUrl } };
  }
  if (step.kind === 'mpesa') return { type: 'mpesa_stk_push', checkout_request_id: payment.mpesa?.checkout_request_id ?? '' };
  if (payment.upi?.flow === 'intent') {
    const link = upiIntentUrl(payment.id, payment.amount);
    return { type: 'upi_intent', intent_url: link, qr_payload: link };
  }
  return { type: 'upi_collect', expires_at: new Date(now.getTime() + (step.expiresAfterMs ?? 0)).toISOString() };
}

export type SettledDetails = Pick<PaymentEntity, 'threeDSecure' | 'upi' | 'mpesa' | 'nextAction'>;

/** The method's details once the step has ended with `outcome`; next_action is gone. */
export function settledDetails(payment: StepPayment & SettledDetails, outcome: StepOutcome, customerCompleted: boolean): SettledDetails {
  const failureCode = failureCodeOf(outcome);
  return {
    threeDSecure: payment.method === 'card' ? challengeResult(customerCompleted) : null,
    upi: payment.upi ? { ...payment.upi, npci_code: npciCode(failureCode) } : null,
    mpesa: payment.mpesa ? settledMpesa(payment.mpesa, failureCode, payment.id) : null,
    nextAction: null,
  };
}

/** UPI late authorization: the bank's late answer is a success. */
export function lateAuthorizedDetails(payment: StepPayment & SettledDetails): SettledDetails {
  return settledDetails(payment, { result: 'authorized' }, false);
}
