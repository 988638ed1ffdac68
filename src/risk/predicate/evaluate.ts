import { ComparisonOp, Predicate, Value } from './ast';
import { RiskSignals } from './attributes';

/**
 * Whether the payment's signals satisfy a (type-checked) predicate. Strings compare
 * case-insensitively; an unknown (null) string equals nothing, so `!=` and `not` match it.
 */
export function evaluatePredicate(predicate: Predicate, signals: RiskSignals): boolean {
  switch (predicate.kind) {
    case 'and':
      return evaluatePredicate(predicate.left, signals) && evaluatePredicate(predicate.right, signals);
    case 'or':
      return evaluatePredicate(predicate.left, signals) || evaluatePredicate(predicate.right, signals);
    case 'not':
      return !evaluatePredicate(predicate.operand, signals);
    case 'in':
      return predicate.values.some((value) => compare(signals[predicate.attribute], '=', value));
    default:
      return compare(signals[predicate.attribute], predicate.op, predicate.value);
  }
}

function compare(actual: Value | null, op: ComparisonOp, expected: Value): boolean {
  if (actual === null) return op === '!=';
  if (typeof actual === 'string' || typeof expected === 'string') {
    const equal = String(actual).toLowerCase() === String(expected).toLowerCase();
    return op === '=' ? equal : op === '!=' ? !equal : false;
  }
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    default:
      return actual <= expected;
  }
}
