import { authorized, CustomerStep, declined, StepOutcome } from './customer-step';

export const THREE_D_SECURE_MODES = ['automatic', 'required'] as const;
export type ThreeDSecureMode = (typeof THREE_D_SECURE_MODES)[number];

export type ThreeDSecureResult = 'authenticated' | 'failed' | 'not_supported' | 'attempt_acknowledged';
export type ThreeDSecureFlow = 'challenge' | 'frictionless';

/** `three_d_secure` on the card: null/null when 3-D Secure never ran. */
export interface ThreeDSecureDetails {
  result: ThreeDSecureResult | null;
  flow: ThreeDSecureFlow | null;
}

/** Challenge cards, with what the bank answers once the customer has authenticated (null: the usual card outcome). */
const CHALLENGE_CARDS: Readonly<Record<string, string | null>> = {
  '4000002760003184': null,
  '4000000000003220': null,
  '4000008400001629': 'card_declined',
  '4000008260003178': 'insufficient_funds',
};
const FRICTIONLESS_CARD = '4000000000003055';
const NOT_SUPPORTED_CARD = '378282246310005';
const NOT_ENROLLED_CARD = '4242424242424242';

export type ThreeDSecureDecision =
  | { challenge: false; details: ThreeDSecureDetails }
  | { challenge: true; details: ThreeDSecureDetails; declineAfterAuthentication: string | null };

/** design-v2 §2, the card table: does this card get a challenge, and what does it show? */
export function decideThreeDSecure(cardNumber: string, mode: ThreeDSecureMode): ThreeDSecureDecision {
  if (Object.prototype.hasOwnProperty.call(CHALLENGE_CARDS, cardNumber)) {
    return { challenge: true, details: { result: null, flow: 'challenge' }, declineAfterAuthentication: CHALLENGE_CARDS[cardNumber] };
  }
  if (cardNumber === FRICTIONLESS_CARD) return { challenge: false, details: { result: 'authenticated', flow: 'frictionless' } };
  if (cardNumber === NOT_SUPPORTED_CARD) return { challenge: false, details: { result: 'not_supported', flow: null } };
  if (mode === 'required' && cardNumber === NOT_ENROLLED_CARD) {
    return { challenge: false, details: { result: 'attempt_acknowledged', flow: null } };
  }
  if (mode === 'required') return { challenge: true, details: { result: null, flow: 'challenge' }, declineAfterAuthentication: null };
  return { challenge: false, details: { result: null, flow: null } };
}

/**
 * The challenge's plan: `bankOutcome` is what the card would answer without 3-D Secure (test card
 * table or `simulate`); the challenge cards that decline after authentication override it.
 */
export function threeDSecureStep(
  decision: Extract<ThreeDSecureDecision, { challenge: true }>,
  bankFailure: string | null,
  timeoutMs: number,
): CustomerStep {
  const failure = decision.declineAfterAuthentication ?? bankFailure;
  const approve: StepOutcome = failure ? declined(failure) : authorized();
  return { kind: 'three_d_secure', approve, auto: null, expiresAfterMs: timeoutMs, lateAfterMs: null };
}

/** `three_d_secure.result` once the challenge is over: authenticated only when the customer completed it. */
export function challengeResult(customerCompleted: boolean): ThreeDSecureDetails {
  return { result: customerCompleted ? 'authenticated' : 'failed', flow: 'challenge' };
}
