import { authorized, CustomerStep, declined, StepOutcome } from './customer-step';

export const UPI_FLOWS = ['collect', 'intent'] as const;
export type UpiFlow = (typeof UPI_FLOWS)[number];

/** NPCI's VPA shape: a handle of 2-256 letters, digits, dots, hyphens or underscores, `@`, a PSP of letters. */
export const VPA_PATTERN = /^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$/;

export const UPI_CUSTOMER_STEP_MS = 3_000;
export const UPI_DEFAULT_EXPIRE_AFTER_S = 600;
export const UPI_MIN_EXPIRE_AFTER_S = 60;
export const UPI_MAX_EXPIRE_AFTER_S = 3_600;
export const UPI_LATE_AFTER_MS = 10 * 60_000;

/** The sandbox merchant's payee address in intent links. */
const PAYEE_VPA = 'sandbox.merchant@razorpay';

export interface UpiDetails {
  vpa: string | null;
  flow: UpiFlow;
  npci_code: string | null;
}

type UpiBehaviour =
  | { kind: 'answers'; outcome: StepOutcome; decidedBy: 'bank' | 'customer' }
  | { kind: 'never_answers' }
  | { kind: 'late' };

const TEST_VPAS: Readonly<Record<string, UpiBehaviour>> = {
  success: { kind: 'answers', outcome: authorized(), decidedBy: 'bank' },
  failure: { kind: 'answers', outcome: declined('payment_declined'), decidedBy: 'bank' },
  cancel: { kind: 'answers', outcome: declined('payment_cancelled'), decidedBy: 'customer' },
  wrongpin: { kind: 'answers', outcome: declined('incorrect_pin'), decidedBy: 'customer' },
  nofunds: { kind: 'answers', outcome: declined('insufficient_funds'), decidedBy: 'bank' },
  expire: { kind: 'never_answers' },
  late: { kind: 'late' },
};
const TEST_VPA_HANDLES = ['sandbox', 'razorpay'];

/** Intent payments (no VPA typed by the customer) pick their outcome by amount. */
const INTENT_AMOUNTS: Readonly<Record<number, string>> = { 402: 'failure', 302: 'cancel', 204: 'wrongpin', 201: 'nofunds' };

/** NPCI response codes shown as `upi.npci_code`. */
const NPCI_CODES: Readonly<Record<string, string>> = {
  payment_declined: 'U30',
  payment_cancelled: 'ZA',
  incorrect_pin: 'ZM',
  insufficient_funds: 'Z9',
  payment_expired: 'U69',
};
export const NPCI_SUCCESS = '00';

function testVpaName(vpa: string | undefined): string | undefined {
  if (!vpa) return undefined;
  const [handle, psp] = vpa.toLowerCase().split('@');
  return TEST_VPA_HANDLES.includes(psp) && Object.prototype.hasOwnProperty.call(TEST_VPAS, handle) ? handle : undefined;
}

/** design-v2 §2, the UPI table: a test VPA decides; else, for intent, the amount; else success. */
export function upiBehaviour(vpa: string | undefined, flow: UpiFlow, amount: number): UpiBehaviour {
  const byVpa = testVpaName(vpa);
  if (byVpa) return TEST_VPAS[byVpa];
  const byAmount = flow === 'intent' ? INTENT_AMOUNTS[amount] : undefined;
  return TEST_VPAS[byAmount ?? 'success'];
}

/** The step's plan: answers after the customer step, or never (expiry), or late (expiry, then authorized). */
export function upiStep(vpa: string | undefined, flow: UpiFlow, amount: number, expireAfterS: number): CustomerStep {
  const behaviour = upiBehaviour(vpa, flow, amount);
  const base = { kind: 'upi' as const, expiresAfterMs: expireAfterS * 1_000 };
  if (behaviour.kind === 'answers') {
    // `approve` skips what the customer decides (cancel, wrong PIN); the bank's answers still apply.
    const approve = behaviour.decidedBy === 'bank' ? behaviour.outcome : authorized();
    return { ...base, approve, auto: { afterMs: UPI_CUSTOMER_STEP_MS, outcome: behaviour.outcome }, lateAfterMs: null };
  }
  return { ...base, approve: authorized(), auto: null, lateAfterMs: behaviour.kind === 'late' ? UPI_LATE_AFTER_MS : null };
}

export function npciCode(failureCode: string | null): string {
  return failureCode === null ? NPCI_SUCCESS : (NPCI_CODES[failureCode] ?? 'U30');
}

/** `upi://pay?…` (NPCI's linking specification); the QR code encodes the same link. */
export function upiIntentUrl(paymentId: string, amountMinor: number): string {
  const query = new URLSearchParams({
    pa: PAYEE_VPA,
    pn: 'Payment Sandbox',
    tr: paymentId,
    tn: `Payment ${paymentId}`,
    am: (amountMinor / 100).toFixed(2),
    cu: 'INR',
  });
  return `upi://pay?${query.toString()}`;
}
