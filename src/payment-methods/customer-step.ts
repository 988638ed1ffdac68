import type { PaymentEvent } from '../payments/payment.machine';

/** Which customer step a payment waits in. */
export type CustomerStepKind = 'three_d_secure' | 'upi' | 'mpesa';

/** What the test helper (and the 3-D Secure page) can do as the customer. */
export const CUSTOMER_ACTIONS = ['approve', 'fail', 'cancel', 'abandon'] as const;
export type CustomerAction = (typeof CUSTOMER_ACTIONS)[number];

/** How a customer step ends: authorized, declined (by the bank or the customer), or expired. */
export type StepOutcome =
  | { result: 'authorized' }
  | { result: 'declined'; failureCode: string }
  | { result: 'expired'; failureCode: string };

/**
 * The plan of a pending customer step, decided at creation from the test tables (pure data,
 * stored with the payment, so timers and customer actions in any process read the same thing).
 */
export interface CustomerStep {
  kind: CustomerStepKind;
  /** When the customer completes the step: the bank's answer still applies. */
  approve: StepOutcome;
  /** The answer that comes by itself after `afterMs` on the merchant clock; null: it never answers. */
  auto: { afterMs: number; outcome: StepOutcome } | null;
  /** Unanswered steps expire after this long (null: the automatic answer always comes first). */
  expiresAfterMs: number | null;
  /** UPI late@: authorized after all, this long after the expiry. */
  lateAfterMs: number | null;
}

/** Timers a step schedules; each is a no-op once the step is no longer pending. */
export type StepTimer = 'auto' | 'expire' | 'late';

export const authorized = (): StepOutcome => ({ result: 'authorized' });
export const declined = (failureCode: string): StepOutcome => ({ result: 'declined', failureCode });
export const expired = (failureCode: string): StepOutcome => ({ result: 'expired', failureCode });

export function expiryCode(kind: CustomerStepKind): string {
  return kind === 'three_d_secure' ? 'authentication_abandoned' : 'payment_expired';
}

/** design-v2 §2: what each customer action means for each method. */
export function outcomeOfAction(step: CustomerStep, action: CustomerAction): StepOutcome {
  switch (action) {
    case 'approve':
      return step.approve;
    case 'fail':
      return declined(step.kind === 'three_d_secure' ? 'authentication_failed' : 'incorrect_pin');
    case 'cancel':
      return declined('payment_cancelled');
    case 'abandon':
      return expired(expiryCode(step.kind));
  }
}

/** What a timer does when it fires while the step is still pending. */
export function outcomeOfTimer(step: CustomerStep, timer: Exclude<StepTimer, 'late'>): StepOutcome | null {
  if (timer === 'auto') return step.auto?.outcome ?? null;
  return expired(expiryCode(step.kind));
}

/** The machine event that ends the step with `outcome`. */
export function stepEvent(outcome: StepOutcome): PaymentEvent {
  switch (outcome.result) {
    case 'authorized':
      return { type: 'AUTHORIZE' };
    case 'declined':
      return { type: 'DECLINE', failureCode: outcome.failureCode };
    case 'expired':
      return { type: 'EXPIRE', failureCode: outcome.failureCode };
  }
}

export function failureCodeOf(outcome: StepOutcome): string | null {
  return outcome.result === 'authorized' ? null : outcome.failureCode;
}

/** Whether an expired step comes back later (UPI late@): true only for an expiry of a step planned so. */
export function comesBackLate(step: CustomerStep, outcome: StepOutcome): boolean {
  return step.lateAfterMs !== null && outcome.result === 'expired';
}
