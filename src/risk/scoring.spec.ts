import { parsePredicate } from './predicate/parser';
import { RiskSignals } from './predicate/attributes';
import { firstMatchingRule, ParsedRule } from './rule-evaluation';
import { amountInUsd, scorePayment } from './scoring';

const base = { cardNumber: '4242424242424242', amountInUsd: 10, cardCountry: 'US', payerCountry: 'US', chargesPerCardHourly: 1 };

describe('scorePayment', () => {
  it.each([
    [{}, 10, 'normal'],
    [{ payerCountry: 'FR' }, 40, 'normal'],
    [{ amountInUsd: 1000 }, 40, 'normal'],
    [{ chargesPerCardHourly: 21 }, 40, 'normal'],
    [{ chargesPerCardHourly: 20 }, 10, 'normal'],
    [{ payerCountry: 'FR', amountInUsd: 5000 }, 70, 'elevated'],
    [{ payerCountry: 'FR', amountInUsd: 5000, chargesPerCardHourly: 30 }, 100, 'highest'],
    [{ payerCountry: null, amountInUsd: 5000 }, 40, 'normal'],
    [{ cardNumber: '4000000000004954' }, 95, 'highest'],
    [{ cardNumber: '4000000000009235' }, 75, 'elevated'],
    [{ cardNumber: '4100000000000019' }, 100, 'highest'],
    [{ cardNumber: '4000000000004954', testCardOverrides: false }, 10, 'normal'],
  ])('%j → %i %s', (change, score, level) => {
    expect(scorePayment({ ...base, ...change })).toEqual({ score, level });
  });

  it('converts amounts with the static table (minor units; zero-decimal currencies as is)', () => {
    expect(amountInUsd(100_000, 'usd')).toBe(1000);
    expect(amountInUsd(100_000, 'EUR')).toBe(1080);
    expect(amountInUsd(10_000, 'jpy')).toBe(67);
    expect(amountInUsd(500, 'xyz')).toBe(5);
  });
});

describe('firstMatchingRule', () => {
  const signals = { risk_level: 'elevated', risk_score: 75, amount_in_usd: 10, charges_per_card_hourly: 1 } as unknown as RiskSignals;
  const rule = (id: string, action: ParsedRule['action'], predicate: string): ParsedRule => ({ id, action, predicate, ast: parsePredicate(predicate) });

  it('tries request_3ds, allow, block, review in that order whatever the list order; the first match wins', () => {
    const rules = [rule('r1', 'review', ':risk_score: > 1'), rule('r2', 'block', ':risk_score: > 1'), rule('r3', 'allow', ':risk_score: > 1')];
    expect(firstMatchingRule(rules, signals)?.id).toBe('r3');
    expect(firstMatchingRule(rules.slice(0, 2), signals)?.id).toBe('r2');
    expect(firstMatchingRule(rules.slice(0, 1), signals)?.id).toBe('r1');
    expect(firstMatchingRule([rule('r4', 'request_3ds', ':risk_score: > 1'), ...rules], signals, undefined, ['request_3ds'])?.id).toBe('r3');
  });

  it('a rule that throws is no match and is reported', () => {
    const broken: ParsedRule = { id: 'bad', action: 'block', predicate: 'x', ast: null as never };
    const errors: string[] = [];
    expect(firstMatchingRule([broken, rule('ok', 'review', ":risk_level: = 'ELEVATED'")], signals, (failed) => errors.push(failed.id))?.id).toBe('ok');
    expect(errors).toEqual(['bad']);
  });
});
