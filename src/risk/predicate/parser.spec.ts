import fc from 'fast-check';
import { Predicate, printPredicate } from './ast';
import { NUMBER_ATTRIBUTES, STRING_ATTRIBUTES } from './attributes';
import { MAX_NESTING_DEPTH, parsePredicate } from './parser';
import { PredicateError } from './predicate-error';

describe('parsePredicate', () => {
  it.each([
    [":risk_level: = 'highest'", { kind: 'compare', attribute: 'risk_level', op: '=', value: 'highest' }],
    [':amount_in_usd: >= 1000.5', { kind: 'compare', attribute: 'amount_in_usd', op: '>=', value: 1000.5 }],
    [':charges_per_card_hourly: > 4', { kind: 'compare', attribute: 'charges_per_card_hourly', op: '>', value: 4 }],
    [":card_country: in ('NG', 'RU')", { kind: 'in', attribute: 'card_country', values: ['NG', 'RU'] }],
    [
      ":currency: = 'usd' and not :risk_score: < 10",
      {
        kind: 'and',
        left: { kind: 'compare', attribute: 'currency', op: '=', value: 'usd' },
        right: { kind: 'not', operand: { kind: 'compare', attribute: 'risk_score', op: '<', value: 10 } },
      },
    ],
    [
      // and binds tighter than or
      ':risk_score: = 1 or :risk_score: = 2 AND :risk_score: != 3',
      {
        kind: 'or',
        left: { kind: 'compare', attribute: 'risk_score', op: '=', value: 1 },
        right: {
          kind: 'and',
          left: { kind: 'compare', attribute: 'risk_score', op: '=', value: 2 },
          right: { kind: 'compare', attribute: 'risk_score', op: '!=', value: 3 },
        },
      },
    ],
    ["(:email_domain: = 'it''s')", null],
    ["  ( :email_domain: = 'a\\'b' )  ", { kind: 'compare', attribute: 'email_domain', op: '=', value: "a'b" }],
  ])('%s', (source, expected) => {
    if (expected === null) {
      expect(() => parsePredicate(source)).toThrow(PredicateError);
      return;
    }
    expect(parsePredicate(source)).toEqual(expected);
  });

  it.each([
    ['', 1, 'expected an attribute'],
    [':nope: = 1', 1, 'unknown attribute :nope:'],
    [":amount_in_usd: = 'x'", 19, 'is a number'],
    [':card_brand: = 4', 16, 'is a string'],
    [":card_brand: > 'visa'", 14, "'>' compares numbers"],
    [':risk_score: 5', 14, 'expected an operator'],
    [':risk_score: = ', 16, 'expected a number value'],
    [':risk_score: = 5 and', 21, 'expected an attribute'],
    ['(:risk_score: = 5', 18, "expected ')'"],
    [':risk_score: = 5)', 17, "expected 'and', 'or'"],
    [":card_country: in ('NG' 'RU')", 25, "expected ',' or ')'"],
    [":card_country: = 'NG", 18, 'unterminated string'],
    [':risk_score: = 5 & :risk_score: = 6', 18, "unexpected character '&'"],
    [':risk score: = 5', 1, 'an attribute is written'],
    [':risk_score: == 5', 15, 'expected a number value'],
    ['x'.repeat(1001), 1001, 'at most 1000'],
    // Rules apply to card payments only: a rule cannot be limited to another method (and velocity counts cards).
    [":payment_method_type: = 'upi' and :charges_per_card_hourly: > 4", 1, 'risk rules run on card payments only'],
    [":charges_per_ip_hourly: > 4 and :Payment_Method: in ('mpesa')", 33, 'cannot be limited to a payment method'],
  ])('%j fails at position %i', (source, position, reason) => {
    let error: unknown;
    try {
      parsePredicate(source);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PredicateError);
    expect((error as PredicateError).position).toBe(position);
    expect((error as PredicateError).message).toContain(reason);
    expect((error as PredicateError).message).toContain(`position ${position}`);
  });

  it('refuses nesting deeper than the limit (parentheses or not)', () => {
    const deep = `${'('.repeat(MAX_NESTING_DEPTH + 1)}:risk_score: = 1${')'.repeat(MAX_NESTING_DEPTH + 1)}`;
    expect(() => parsePredicate(deep)).toThrow(/nesting deeper/);
    expect(() => parsePredicate(`${'not '.repeat(MAX_NESTING_DEPTH + 1)}:risk_score: = 1`)).toThrow(/nesting deeper/);
    const ok = `${'('.repeat(MAX_NESTING_DEPTH)}:risk_score: = 1${')'.repeat(MAX_NESTING_DEPTH)}`;
    expect(parsePredicate(ok)).toEqual({ kind: 'compare', attribute: 'risk_score', op: '=', value: 1 });
  });
});

const numberValue = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 99_999 }).map((n) => n / 100));
const stringValue = fc.string({ maxLength: 8 });

const leaf: fc.Arbitrary<Predicate> = fc.oneof(
  fc.record({
    kind: fc.constant('compare' as const),
    attribute: fc.constantFrom(...NUMBER_ATTRIBUTES),
    op: fc.constantFrom('=' as const, '!=' as const, '>' as const, '>=' as const, '<' as const, '<=' as const),
    value: numberValue,
  }),
  fc.record({
    kind: fc.constant('compare' as const),
    attribute: fc.constantFrom(...STRING_ATTRIBUTES),
    op: fc.constantFrom('=' as const, '!=' as const),
    value: stringValue,
  }),
  fc.record({ kind: fc.constant('in' as const), attribute: fc.constantFrom(...STRING_ATTRIBUTES), values: fc.array(stringValue, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('in' as const), attribute: fc.constantFrom(...NUMBER_ATTRIBUTES), values: fc.array(numberValue, { minLength: 1, maxLength: 3 }) }),
);

const predicate = fc.letrec<{ node: Predicate }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('not' as const), operand: tie('node') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;

describe('print/reparse', () => {
  it('parsing the printed form of a random predicate gives the same predicate', () => {
    fc.assert(
      fc.property(predicate, (ast) => {
        const text = printPredicate(ast);
        fc.pre(text.length <= 1000);
        let parsed: Predicate;
        try {
          parsed = parsePredicate(text);
        } catch (error) {
          // Printed trees deeper than the nesting limit are refused, never misparsed.
          if (error instanceof PredicateError && /nesting deeper/.test(error.message)) return;
          throw error;
        }
        expect(parsed).toEqual(ast);
      }),
      { numRuns: 300 },
    );
  });
});
