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

/** The outcome once the issuer has answered (`declined`: the simulated issuer refused the payment). */
export function finalOutcome(assessment: RiskAssessment, declined: boolean): RiskOutcome {
  const base = { risk_level: assessment.risk_level, risk_score: assessment.risk_score, rule: assessment.rule };
  if (assessment.blocked) {
    const why = assessment.rule ? `rule ${assessment.rule.id} (${assessment.rule.predicate})` : 'the sandbox (this test card is always blocked)';
    return { ...base, type: 'blocked', seller_message: `The payment was blocked as too risky by ${why}.` };
  }
  if (declined) return { ...base, type: 'issuer_declined', seller_message: 'The bank declined the payment.' };
  if (assessment.rule?.action === 'review') {
    return { ...base, type: 'manual_review', seller_message: `The payment succeeded and was placed in review by rule ${assessment.rule.id}.` };
  }
  return { ...base, type: 'authorized', seller_message: 'Payment complete.' };
}
