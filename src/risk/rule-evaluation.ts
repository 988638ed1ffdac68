import { Predicate } from './predicate/ast';
import { RiskSignals } from './predicate/attributes';
import { evaluatePredicate } from './predicate/evaluate';

export const RULE_ACTIONS = ['request_3ds', 'allow', 'block', 'review'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

export interface ParsedRule {
  id: string;
  action: RuleAction;
  predicate: string;
  ast: Predicate;
}

export interface RuleMatch {
  id: string;
  action: RuleAction;
  predicate: string;
}

/** Told about a rule whose evaluation threw (it counted as no match). */
export type RuleErrorHandler = (rule: ParsedRule, error: unknown) => void;

/**
 * The first rule that matches, trying actions in the order request_3ds, allow, block, review
 * (rules of one action in the order given, i.e. oldest first). `skip` leaves actions out (e.g.
 * request_3ds once 3-D Secure has run). A rule whose evaluation throws counts as no match and is
 * reported through `onError` (impossible by construction: predicates are type-checked).
 */
export function firstMatchingRule(
  rules: readonly ParsedRule[],
  signals: RiskSignals,
  onError: RuleErrorHandler = () => undefined,
  skip: readonly RuleAction[] = [],
): RuleMatch | null {
  for (const action of RULE_ACTIONS) {
    if (skip.includes(action)) continue;
    const rule = rules.find((candidate) => candidate.action === action && safeMatch(candidate, signals, onError));
    if (rule) return { id: rule.id, action: rule.action, predicate: rule.predicate };
  }
  return null;
}

function safeMatch(rule: ParsedRule, signals: RiskSignals, onError: RuleErrorHandler): boolean {
  try {
    return evaluatePredicate(rule.ast, signals);
  } catch (error) {
    onError(rule, error);
    return false;
  }
}
