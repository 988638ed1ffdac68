import { Predicate, Value } from './ast';
import { ATTRIBUTE_TYPES, Attribute, AttributeType, isAttribute } from './attributes';
import { Token, TokenKind, tokenize } from './lexer';
import { PredicateError } from './predicate-error';

export const MAX_PREDICATE_LENGTH = 1000;

/**
 * Names reached for to limit a rule to a payment method (e.g. `:payment_method_type: = 'upi' and
 * :charges_per_card_hourly: > 4`). Rules apply to card payments only (design-v2 §4: the outcome is a
 * card payment's), so there is no such attribute; these get a message that says why.
 */
const METHOD_ATTRIBUTES = new Set(['payment_method_type', 'payment_method', 'payment_method_types', 'method', 'method_type']);
export const MAX_NESTING_DEPTH = 20;

/**
 * Recursive descent over
 *   or   := and ('or' and)*          and := not ('and' not)*
 *   not  := 'not' not | primary      primary := '(' or ')' | comparison
 *   comparison := ATTR op value | ATTR 'in' '(' value (',' value)* ')'
 * Operands are type-checked against the attribute (numbers: all operators; strings: = != in).
 * Throws PredicateError with the 1-based position of the offending character.
 */
export function parsePredicate(source: string): Predicate {
  if (source.length > MAX_PREDICATE_LENGTH) {
    throw new PredicateError(`the predicate is ${source.length} characters long; at most ${MAX_PREDICATE_LENGTH} are allowed`, MAX_PREDICATE_LENGTH + 1);
  }
  const parser = new Parser(tokenize(source));
  const predicate = parser.parseOr(0);
  parser.expectEnd();
  return predicate;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private get current(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    return this.tokens[this.index++];
  }

  private expect(kind: TokenKind, what: string): Token {
    if (this.current.kind !== kind) throw this.unexpected(what);
    return this.next();
  }

  private unexpected(what: string): PredicateError {
    const found = this.current.kind === 'end' ? 'the end of the predicate' : `'${this.current.text}'`;
    return new PredicateError(`expected ${what}, found ${found}`, this.current.position);
  }

  expectEnd(): void {
    if (this.current.kind !== 'end') throw this.unexpected("'and', 'or' or the end of the predicate");
  }

  parseOr(depth: number): Predicate {
    let left = this.parseAnd(depth);
    while (this.current.kind === 'or') {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd(depth) };
    }
    return left;
  }

  private parseAnd(depth: number): Predicate {
    let left = this.parseNot(depth);
    while (this.current.kind === 'and') {
      this.next();
      left = { kind: 'and', left, right: this.parseNot(depth) };
    }
    return left;
  }

  private parseNot(depth: number): Predicate {
    if (this.current.kind !== 'not') return this.parsePrimary(depth);
    const token = this.next();
    this.checkDepth(depth + 1, token);
    return { kind: 'not', operand: this.parseNot(depth + 1) };
  }

  private parsePrimary(depth: number): Predicate {
    if (this.current.kind === '(') {
      const open = this.next();
      this.checkDepth(depth + 1, open);
      const inner = this.parseOr(depth + 1);
      this.expect(')', "')'");
      return inner;
    }
    return this.parseComparison();
  }

  private checkDepth(depth: number, token: Token): void {
    if (depth > MAX_NESTING_DEPTH) throw new PredicateError(`nesting deeper than ${MAX_NESTING_DEPTH} levels`, token.position);
  }

  private parseComparison(): Predicate {
    const token = this.expect('attribute', "an attribute such as :amount_in_usd:, 'not' or '('");
    const name = String(token.value);
    if (METHOD_ATTRIBUTES.has(name.toLowerCase())) {
      throw new PredicateError(
        `:${name}: is not an attribute: risk rules run on card payments only (UPI and M-Pesa payments get no outcome and no rule), so a rule cannot be limited to a payment method, and the velocity attributes count card payments`,
        token.position,
      );
    }
    if (!isAttribute(name)) throw new PredicateError(`unknown attribute :${name}:`, token.position);
    const type = ATTRIBUTE_TYPES[name];
    if (this.current.kind === 'in') {
      this.next();
      return { kind: 'in', attribute: name, values: this.parseList(name, type) };
    }
    const op = this.expect('op', 'an operator (= != > >= < <= in)');
    if (type === 'string' && op.text !== '=' && op.text !== '!=') {
      throw new PredicateError(`:${name}: is a string; '${op.text}' compares numbers (use = != in)`, op.position);
    }
    return { kind: 'compare', attribute: name, op: op.text as '=', value: this.parseValue(name, type) };
  }

  private parseList(attribute: Attribute, type: AttributeType): Value[] {
    this.expect('(', "'(' after in");
    const values = [this.parseValue(attribute, type)];
    while (this.current.kind === ',') {
      this.next();
      values.push(this.parseValue(attribute, type));
    }
    this.expect(')', "',' or ')'");
    return values;
  }

  private parseValue(attribute: Attribute, type: AttributeType): Value {
    const token = this.current;
    if (token.kind !== 'string' && token.kind !== 'number') throw this.unexpected(`a ${type} value`);
    if (token.kind !== type) throw new PredicateError(`:${attribute}: is a ${type}; ${token.text} is not`, token.position);
    this.next();
    return token.value as Value;
  }
}
