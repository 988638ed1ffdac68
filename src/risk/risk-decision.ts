import { outcomeOf, RiskAssessment, RiskOutcome } from './outcome';
import { RiskSignals } from './predicate/attributes';
import { firstMatchingRule, ParsedRule, RuleErrorHandler, RuleMatch } from './rule-evaluation';
import { RiskLevel } from './scoring';

/**
 * What the merchant's rules say about a card payment at creation (design-v2 §4: request_3ds, allow,
 * block, review; the first match wins).
 */
export type RuleVerdict =
  | { kind: 'decided'; rule: RuleMatch | null }
  /**
   * A request_3ds rule matched first: the payment goes to 3-D Secure and allow/block/review run after
   * authentication. `otherwise` is their match now, which decides when the card gets no challenge
   * after all (frictionless, not enrolled, not supported).
   */
  | { kind: 'request_3ds'; rule: RuleMatch; otherwise: RuleMatch | null };

export function judgeRules(rules: readonly ParsedRule[], signals: RiskSignals, onError?: RuleErrorHandler): RuleVerdict {
  const first = firstMatchingRule(rules, signals, onError);
  if (first?.action !== 'request_3ds') return { kind: 'decided', rule: first };
  return { kind: 'request_3ds', rule: first, otherwise: firstMatchingRule(rules, signals, onError, ['request_3ds']) };
}

/** The scored payment, as risk hands it to the create pipeline. */
export interface ScoredPayment {
  risk_level: RiskLevel;
  risk_score: number;
  /** The simulated issuer flags it as fraud (4100000000000019, simulate=fraud_detected): blocked before any rule. */
  knownFraud: boolean;
  verdict: RuleVerdict;
}

export interface CreationAssessment extends RiskAssessment {
  /** A request_3ds rule sent the payment to a challenge: allow/block/review run after authentication. */
  deferred: boolean;
}

/** Whether a request_3ds verdict asks to add a challenge the payment would not otherwise have. */
export function requestsThreeDSecure(scored: ScoredPayment): boolean {
  return !scored.knownFraud && scored.verdict.kind === 'request_3ds';
}

/**
 * The assessment at creation, once the payment's 3-D Secure plan is known (`challenged`: it waits
 * for a challenge — its card, `three_d_secure: required`, or a request_3ds rule asked for one).
 */
export function assessAtCreation(scored: ScoredPayment, challenged: boolean): CreationAssessment {
  const base = { risk_level: scored.risk_level, risk_score: scored.risk_score };
  if (scored.knownFraud) return { ...base, rule: null, blocked: true, deferred: false };
  const { verdict } = scored;
  if (verdict.kind === 'decided') return { ...base, rule: verdict.rule, blocked: verdict.rule?.action === 'block', deferred: false };
  if (challenged) return { ...base, rule: verdict.rule, blocked: false, deferred: true };
  // No challenge came of it: the other rules decide now; the request_3ds rule stays on the outcome if none matched.
  return { ...base, rule: verdict.otherwise ?? verdict.rule, blocked: verdict.otherwise?.action === 'block', deferred: false };
}

/** What risk keeps about a payment while it waits for its 3-D Secure challenge. */
export interface ThreeDSHold {
  /** The signals it was scored with at creation (velocity counts included); the rules after authentication see these. */
  signals: RiskSignals;
  risk_level: RiskLevel;
  risk_score: number;
  rule: RuleMatch | null;
  deferred: boolean;
}

/** How the challenge ended: `failureCode` is the bank's decline after authentication, or why the customer did not authenticate. */
export interface ChallengeEnd {
  authenticated: boolean;
  failureCode: string | null;
}

export interface AfterChallenge {
  outcome: RiskOutcome;
  /** A block rule matched after authentication: the payment fails `fraud_detected` instead of being authorized. */
  block: boolean;
  /** A review rule decided and the payment goes through: open a review. */
  openReview: boolean;
}

/**
 * The outcome once the challenge is over. Not authenticated: nothing more to decide. Authenticated:
 * a deferred payment runs allow/block/review now (the merchant's rules as they are now, on the
 * signals of creation), else the rule of creation stands; a block wins over the bank's answer.
 */
export function decideAfterChallenge(hold: ThreeDSHold, rules: readonly ParsedRule[], end: ChallengeEnd, onError?: RuleErrorHandler): AfterChallenge {
  const base = { risk_level: hold.risk_level, risk_score: hold.risk_score };
  if (!end.authenticated) {
    const outcome = outcomeOf({ ...base, rule: hold.rule, blocked: false }, { kind: 'not_authenticated', failureCode: end.failureCode ?? 'authentication_failed' });
    return { outcome, block: false, openReview: false };
  }
  const rule = hold.deferred ? (firstMatchingRule(rules, hold.signals, onError, ['request_3ds']) ?? hold.rule) : hold.rule;
  const assessment = { ...base, rule, blocked: rule?.action === 'block' };
  const outcome = outcomeOf(assessment, { kind: end.failureCode ? 'declined' : 'authorized' });
  return { outcome, block: assessment.blocked, openReview: outcome.type === 'manual_review' };
}
