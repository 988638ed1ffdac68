import { Attribute } from './attributes';

export type Value = string | number;
export type ComparisonOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

export type Predicate =
  | { kind: 'compare'; attribute: Attribute; op: ComparisonOp; value: Value }
  | { kind: 'in'; attribute: Attribute; values: Value[] }
  | { kind: 'not'; operand: Predicate }
  | { kind: 'and' | 'or'; left: Predicate; right: Predicate };

function printValue(value: Value): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Canonical text of a predicate: every compound sub-expression parenthesised, so parse(print(p)) equals p. */
export function printPredicate(predicate: Predicate): string {
  switch (predicate.kind) {
    case 'compare':
      return `:${predicate.attribute}: ${predicate.op} ${printValue(predicate.value)}`;
    case 'in':
      return `:${predicate.attribute}: in (${predicate.values.map(printValue).join(', ')})`;
    case 'not':
      return `not (${printPredicate(predicate.operand)})`;
    default:
      return `(${printPredicate(predicate.left)}) ${predicate.kind} (${printPredicate(predicate.right)})`;
  }
}
