import { RiskLevel } from './scoring';
import { RuleMatch } from './rule-evaluation';

export const OUTCOME_TYPES = ['authorized', 'manual_review', 'issuer_declined', 'blocked'] as const;
export type OutcomeType = (typeof OUTCOME_TYPES)[number];

export interface RiskOutcome {
  type: OutcomeType;
  risk_level: RiskLevel;
  risk_score: number;
  rule: RuleMatch | null;
  seller_message: string;
}

/** What risk decided before the issuer is asked. */
export interface RiskAssessment {
  risk_level: RiskLevel;
  risk_score: number;
  rule: RuleMatch | null;
  /** True when the payment must be blocked (the always-blocked card, or a block rule). */
  blocked: boolean;
}

/** How a payment's risk story ended: the issuer's answer, or a 3-D Secure step still (or no longer) in the way. */
export type IssuerAnswer =
  | { kind: 'authorized' }
  | { kind: 'declined' }
  /** Waiting for the customer's 3-D Secure challenge (the other rules may still run after it). */
  | { kind: 'waiting' }
  /** The customer did not complete 3-D Secure (failed, cancelled, abandoned): the code says which. */
  | { kind: 'not_authenticated'; failureCode: string };

/** The outcome once the issuer (or the customer's 3-D Secure step) has answered. */
export function outcomeOf(assessment: RiskAssessment, answer: IssuerAnswer): RiskOutcome {
  const base = { risk_level: assessment.risk_level, risk_score: assessment.risk_score, rule: assessment.rule };
  const requested = assessment.rule?.action === 'request_3ds' ? ` 3-D Secure was requested by rule ${assessment.rule.id}.` : '';
  if (assessment.blocked) {
    const why = assessment.rule ? `rule ${assessment.rule.id} (${assessment.rule.predicate})` : 'the sandbox (this test card is always blocked)';
    return { ...base, type: 'blocked', seller_message: `The payment was blocked as too risky by ${why}.` };
  }
  if (answer.kind === 'not_authenticated') {
    return { ...base, type: 'issuer_declined', seller_message: `The customer did not complete 3-D Secure authentication (${answer.failureCode}).` };
  }
  if (answer.kind === 'declined') return { ...base, type: 'issuer_declined', seller_message: `The bank declined the payment.${requested}` };
  if (answer.kind === 'waiting') {
    const rest = requested ? `${requested} The other rules run once the customer has authenticated.` : '';
    return { ...base, type: 'authorized', seller_message: `Waiting for the customer to authenticate with 3-D Secure.${rest}` };
  }
  if (assessment.rule?.action === 'review') {
    return { ...base, type: 'manual_review', seller_message: `The payment succeeded and was placed in review by rule ${assessment.rule.id}.` };
  }
  return { ...base, type: 'authorized', seller_message: `Payment complete.${requested}` };
}

/** The outcome of a payment whose creation is over (`declined`: the simulated issuer refused it). */
export function finalOutcome(assessment: RiskAssessment, declined: boolean): RiskOutcome {
  return outcomeOf(assessment, { kind: declined ? 'declined' : 'authorized' });
}
