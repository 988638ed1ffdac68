import { outcomeOf, RiskAssessment } from './outcome';
import { RiskSignals } from './predicate/attributes';
import { parsePredicate } from './predicate/parser';
import { assessAtCreation, ChallengeEnd, decideAfterChallenge, judgeRules, requestsThreeDSecure, RuleVerdict, ScoredPayment, ThreeDSHold } from './risk-decision';
import { ParsedRule, RuleMatch } from './rule-evaluation';

const rule = (id: string, action: ParsedRule['action'], predicate: string): ParsedRule => ({ id, action, predicate, ast: parsePredicate(predicate) });
const match = ({ id, action, predicate }: ParsedRule): RuleMatch => ({ id, action, predicate });

const signals = (change: Partial<RiskSignals> = {}): RiskSignals => ({
  amount_in_usd: 20,
  risk_score: 10,
  risk_level: 'normal',
  charges_per_card_hourly: 1,
  charges_per_card_daily: 1,
  charges_per_ip_hourly: 1,
  charges_per_email_daily: 0,
  declines_per_card_hourly: 0,
  currency: 'usd',
  card_country: 'US',
  ip_country: null,
  card_brand: 'mastercard',
  card_bin: '555555',
  email_domain: null,
  ...change,
});

const threeDS = rule('r3ds', 'request_3ds', ':amount_in_usd: >= 100');
const allow = rule('allow', 'allow', ":card_brand: = 'visa'");
const block = rule('block', 'block', ':amount_in_usd: >= 500');
const review = rule('review', 'review', ':amount_in_usd: >= 50');
const RULES = [review, block, allow, threeDS];

describe('judgeRules: request_3ds, allow, block, review; the first match wins', () => {
  it.each<[string, Partial<RiskSignals>, RuleVerdict]>([
    ['nothing matches', { amount_in_usd: 20 }, { kind: 'decided', rule: null }],
    ['review only', { amount_in_usd: 60 }, { kind: 'decided', rule: match(review) }],
    ['request_3ds before review; review is what decides without a challenge', { amount_in_usd: 100 }, { kind: 'request_3ds', rule: match(threeDS), otherwise: match(review) }],
    ['request_3ds before block', { amount_in_usd: 600 }, { kind: 'request_3ds', rule: match(threeDS), otherwise: match(block) }],
    ['request_3ds before allow', { amount_in_usd: 600, card_brand: 'visa' }, { kind: 'request_3ds', rule: match(threeDS), otherwise: match(allow) }],
    ['allow before block below the request_3ds threshold', { amount_in_usd: 60, card_brand: 'visa' }, { kind: 'decided', rule: match(allow) }],
  ])('%s', (_label, change, expected) => {
    expect(judgeRules(RULES, signals(change))).toEqual(expected);
  });

  it('a request_3ds rule that throws is no match and is reported; the next action decides', () => {
    const broken: ParsedRule = { ...threeDS, ast: null as never };
    const errors: string[] = [];
    expect(judgeRules([broken, review], signals({ amount_in_usd: 100 }), (failed) => errors.push(failed.id))).toEqual({ kind: 'decided', rule: match(review) });
    expect(errors).toEqual(['r3ds']);
  });
});

describe('assessAtCreation', () => {
  const scored = (verdict: RuleVerdict, knownFraud = false): ScoredPayment => ({ risk_level: 'normal', risk_score: 10, knownFraud, verdict });
  const r3ds = (otherwise: RuleMatch | null): RuleVerdict => ({ kind: 'request_3ds', rule: match(threeDS), otherwise });

  it.each<[string, ScoredPayment, boolean, { rule: RuleMatch | null; blocked: boolean; deferred: boolean }, boolean]>([
    ['no rule', scored({ kind: 'decided', rule: null }), false, { rule: null, blocked: false, deferred: false }, false],
    ['a block rule blocks, challenge or not', scored({ kind: 'decided', rule: match(block) }), true, { rule: match(block), blocked: true, deferred: false }, false],
    ['a review rule on a challenge card decides now (the review opens after the challenge)', scored({ kind: 'decided', rule: match(review) }), true, { rule: match(review), blocked: false, deferred: false }, false],
    ['request_3ds and a challenge: the rest waits for authentication', scored(r3ds(match(block))), true, { rule: match(threeDS), blocked: false, deferred: true }, true],
    ['request_3ds, no challenge (frictionless, not enrolled): the block decides now', scored(r3ds(match(block))), false, { rule: match(block), blocked: true, deferred: false }, true],
    ['request_3ds, no challenge, nothing else matches: the request_3ds rule stays', scored(r3ds(null)), false, { rule: match(threeDS), blocked: false, deferred: false }, true],
    ['the always-blocked card wins over every rule', scored(r3ds(null), true), true, { rule: null, blocked: true, deferred: false }, false],
  ])('%s', (_label, input, challenged, expected, requests) => {
    expect(assessAtCreation(input, challenged)).toEqual({ risk_level: 'normal', risk_score: 10, ...expected });
    expect(requestsThreeDSecure(input)).toBe(requests);
  });
});

describe('decideAfterChallenge', () => {
  const hold = (deferred: boolean, held: RuleMatch | null, change: Partial<RiskSignals> = {}): ThreeDSHold => ({
    signals: signals(change),
    risk_level: 'normal',
    risk_score: 10,
    rule: held,
    deferred,
  });
  const authenticated: ChallengeEnd = { authenticated: true, failureCode: null };

  it.each<[string, ThreeDSHold, ChallengeEnd, { type: string; rule: string | null; block: boolean; openReview: boolean }]>([
    ['deferred, authenticated, a block rule matches → blocked', hold(true, match(threeDS), { amount_in_usd: 600 }), authenticated, { type: 'blocked', rule: 'block', block: true, openReview: false }],
    ['deferred, authenticated, a review rule matches → review', hold(true, match(threeDS), { amount_in_usd: 100 }), authenticated, { type: 'manual_review', rule: 'review', block: false, openReview: true }],
    ['deferred, authenticated, allow wins over block', hold(true, match(threeDS), { amount_in_usd: 600, card_brand: 'visa' }), authenticated, { type: 'authorized', rule: 'allow', block: false, openReview: false }],
    ['deferred, authenticated, nothing else: the request_3ds rule stays', hold(true, match(threeDS), { amount_in_usd: 20 }), authenticated, { type: 'authorized', rule: 'r3ds', block: false, openReview: false }],
    ['deferred, a block still wins over the bank declining after authentication', hold(true, match(threeDS), { amount_in_usd: 600 }), { authenticated: true, failureCode: 'card_declined' }, { type: 'blocked', rule: 'block', block: true, openReview: false }],
    ['deferred, the bank declines after authentication', hold(true, match(threeDS), { amount_in_usd: 100 }), { authenticated: true, failureCode: 'card_declined' }, { type: 'issuer_declined', rule: 'review', block: false, openReview: false }],
    ['deferred, authentication failed: no rule runs', hold(true, match(threeDS), { amount_in_usd: 600 }), { authenticated: false, failureCode: 'authentication_failed' }, { type: 'issuer_declined', rule: 'r3ds', block: false, openReview: false }],
    ['not deferred: the review of creation opens now', hold(false, match(review), { amount_in_usd: 600 }), authenticated, { type: 'manual_review', rule: 'review', block: false, openReview: true }],
    ['not deferred: the rules are not run again', hold(false, null, { amount_in_usd: 600 }), authenticated, { type: 'authorized', rule: null, block: false, openReview: false }],
    ['not deferred, abandoned', hold(false, match(review)), { authenticated: false, failureCode: 'authentication_abandoned' }, { type: 'issuer_declined', rule: 'review', block: false, openReview: false }],
  ])('%s', (_label, input, end, expected) => {
    const decided = decideAfterChallenge(input, RULES, end);
    expect({ type: decided.outcome.type, rule: decided.outcome.rule?.id ?? null, block: decided.block, openReview: decided.openReview }).toEqual(expected);
    expect(decided.outcome).toMatchObject({ risk_level: 'normal', risk_score: 10 });
  });
});

describe('outcomeOf', () => {
  const assessment = (rule: RuleMatch | null, blocked = false): RiskAssessment => ({ risk_level: 'elevated', risk_score: 70, rule, blocked });

  it.each([
    [assessment(null), { kind: 'authorized' as const }, 'authorized', 'Payment complete.'],
    [assessment(match(threeDS)), { kind: 'authorized' as const }, 'authorized', 'Payment complete. 3-D Secure was requested by rule r3ds.'],
    [assessment(match(threeDS)), { kind: 'waiting' as const }, 'authorized', 'Waiting for the customer to authenticate with 3-D Secure. 3-D Secure was requested by rule r3ds. The other rules run once the customer has authenticated.'],
    [assessment(null), { kind: 'waiting' as const }, 'authorized', 'Waiting for the customer to authenticate with 3-D Secure.'],
    [assessment(match(review)), { kind: 'authorized' as const }, 'manual_review', 'The payment succeeded and was placed in review by rule review.'],
    [assessment(match(review)), { kind: 'declined' as const }, 'issuer_declined', 'The bank declined the payment.'],
    [assessment(match(block), true), { kind: 'authorized' as const }, 'blocked', 'The payment was blocked as too risky by rule block (:amount_in_usd: >= 500).'],
    [assessment(null, true), { kind: 'declined' as const }, 'blocked', 'The payment was blocked as too risky by the sandbox (this test card is always blocked).'],
    [assessment(null), { kind: 'not_authenticated' as const, failureCode: 'payment_cancelled' }, 'issuer_declined', 'The customer did not complete 3-D Secure authentication (payment_cancelled).'],
  ])('%j, %j → %s', (input, answer, type, message) => {
    expect(outcomeOf(input, answer)).toEqual({ risk_level: 'elevated', risk_score: 70, rule: input.rule, type, seller_message: message });
  });
});
