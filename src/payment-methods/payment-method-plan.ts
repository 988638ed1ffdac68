import { DomainError } from '../common/errors/domain-error';
import type { SimulateCreateMode } from '../payments/card-simulation';
import type { PaymentMethodType } from '../payments/payment.machine';
import type { CustomerStep } from './customer-step';
import type { AnyPaymentMethodDto, CardDto } from './dto/payment-method.dto';
import { maskPhone, MpesaDetails, mpesaStep, newCheckoutRequestId } from './mpesa';
import { decideThreeDSecure, ThreeDSecureDetails, ThreeDSecureMode, threeDSecureStep } from './three-d-secure';
import { UPI_DEFAULT_EXPIRE_AFTER_S, UpiDetails, upiStep } from './upi';

/** The create fields this folder owns (everything else on the payment is the payments module's). */
export interface PaymentMethodRequest {
  amount: number;
  currency: string;
  /** A string is a test payment method id that validation has already expanded to its card. */
  payment_method?: AnyPaymentMethodDto | string;
  three_d_secure?: ThreeDSecureMode;
  return_url?: string;
  simulate?: SimulateCreateMode;
}

/** What the payment row stores about how it is paid. */
export interface PaymentMethodDetails {
  method: PaymentMethodType;
  threeDSecure: ThreeDSecureDetails | null;
  upi: UpiDetails | null;
  mpesa: MpesaDetails | null;
  returnUrl: string | null;
}

/** How creation proceeds: the v1 card path now, or into a customer step. */
export type CreationPlan = { kind: 'immediate' } | { kind: 'customer_step'; enter: 'REQUIRE_ACTION' | 'PROCESS'; step: CustomerStep };

export interface PreparedPaymentMethod {
  details: PaymentMethodDetails;
  plan: CreationPlan;
}

const IMMEDIATE: CreationPlan = { kind: 'immediate' };

function paymentMethodOf(request: PaymentMethodRequest): AnyPaymentMethodDto | undefined {
  return typeof request.payment_method === 'object' ? request.payment_method : undefined;
}

export function methodType(request: PaymentMethodRequest): PaymentMethodType {
  return paymentMethodOf(request)?.type ?? 'card';
}

/** Refuses what the method cannot take: 400 with the param, before anything is stored. */
export function validatePaymentMethod(request: PaymentMethodRequest): void {
  const type = methodType(request);
  const currency = request.currency.toUpperCase();
  if (type !== 'card' && request.three_d_secure !== undefined) {
    throw new DomainError('parameter_invalid', 'three_d_secure applies to card payments only.', 'three_d_secure');
  }
  if (type !== 'card' && request.simulate !== undefined) {
    throw new DomainError(
      'parameter_invalid',
      'simulate picks card outcomes; UPI and M-Pesa outcomes come from the test VPAs, intent amounts and phone numbers.',
      'simulate',
    );
  }
  if (type !== 'card' && request.return_url !== undefined) {
    throw new DomainError('parameter_invalid', 'return_url applies to card payments (3-D Secure) only.', 'return_url');
  }
  if (type === 'upi' && currency !== 'INR') {
    throw new DomainError('parameter_invalid', `UPI payments are in INR only; got ${currency}.`, 'currency');
  }
  const pm = paymentMethodOf(request);
  if (pm?.type === 'upi' && pm.upi.flow === 'collect' && !pm.upi.vpa) {
    throw new DomainError('parameter_missing', 'A UPI collect payment needs the payer’s vpa.', 'payment_method.upi.vpa');
  }
  if (type === 'mpesa' && currency !== 'KES') {
    throw new DomainError('parameter_invalid', `M-Pesa payments are in KES only; got ${currency}.`, 'currency');
  }
  if (type === 'mpesa' && request.amount % 100 !== 0) {
    throw new DomainError('parameter_invalid', 'M-Pesa takes whole shillings: amount must be a multiple of 100 (minor units).', 'amount');
  }
}

/**
 * design-v2 §2 as one pure decision: the method's details and whether the payment waits for the
 * customer. `card`/`cardOutcome` are the v1 card and its outcome without 3-D Secure.
 */
export function planPaymentMethod(
  request: PaymentMethodRequest,
  card: CardDto | null,
  cardOutcome: SimulateCreateMode,
  options: { threeDSecureTimeoutMs: number; now: Date },
): PreparedPaymentMethod {
  validatePaymentMethod(request);
  const pm = paymentMethodOf(request);
  if (pm?.type === 'upi') {
    const expireAfterS = pm.upi.expire_after_s ?? UPI_DEFAULT_EXPIRE_AFTER_S;
    return {
      details: { ...noDetails('upi'), upi: { vpa: pm.upi.vpa ?? null, flow: pm.upi.flow, npci_code: null } },
      plan: { kind: 'customer_step', enter: 'PROCESS', step: upiStep(pm.upi.vpa, pm.upi.flow, request.amount, expireAfterS) },
    };
  }
  if (pm?.type === 'mpesa') {
    const mpesa: MpesaDetails = {
      phone: maskPhone(pm.mpesa.phone),
      checkout_request_id: newCheckoutRequestId(options.now),
      result_code: null,
      result_desc: null,
      receipt_number: null,
    };
    return { details: { ...noDetails('mpesa'), mpesa }, plan: { kind: 'customer_step', enter: 'PROCESS', step: mpesaStep(pm.mpesa.phone) } };
  }
  return planCard(request, card, cardOutcome, options.threeDSecureTimeoutMs);
}

function planCard(request: PaymentMethodRequest, card: CardDto | null, cardOutcome: SimulateCreateMode, timeoutMs: number): PreparedPaymentMethod {
  const returnUrl = request.return_url ?? null;
  // network_timeout is an answer of the API itself (504), not of the bank after a challenge.
  if (!card || cardOutcome === 'network_timeout') {
    return { details: { ...noDetails('card'), threeDSecure: { result: null, flow: null }, returnUrl }, plan: IMMEDIATE };
  }
  const decision = decideThreeDSecure(card.number, request.three_d_secure ?? 'automatic');
  const details = { ...noDetails('card'), threeDSecure: decision.details, returnUrl };
  if (!decision.challenge) return { details, plan: IMMEDIATE };
  const bankFailure = cardOutcome === 'success' ? null : cardOutcome;
  return { details, plan: { kind: 'customer_step', enter: 'REQUIRE_ACTION', step: threeDSecureStep(decision, bankFailure, timeoutMs) } };
}

function noDetails(method: PaymentMethodType): PaymentMethodDetails {
  return { method, threeDSecure: null, upi: null, mpesa: null, returnUrl: null };
}
