import { BUILTIN_CONNECTORS } from '../connectors/builtin-connectors';
import { defaultRoutingConfig, RoutingConfig } from './routing-config';
import { decideRoute, RoutableConnector, RoutingFacts, splitBucket } from './routing-decision';

const connectors: RoutableConnector[] = BUILTIN_CONNECTORS.map((c) => ({ ...c, enabled: true, circuit: 'closed' }));

function facts(overrides: Partial<RoutingFacts> = {}): RoutingFacts {
  return { paymentId: 'pay_TEST', amount: 1000, currency: 'USD', method: 'card', cardBrand: 'visa', payerCountry: 'US', ...overrides };
}

function withConnector(id: string, change: Partial<RoutableConnector>): RoutableConnector[] {
  return connectors.map((c) => (c.id === id ? { ...c, ...change } : c));
}

describe('decideRoute (pure)', () => {
  const defaults = defaultRoutingConfig();

  it.each<[string, Partial<RoutingFacts>, string[]]>([
    ['USD card from the US', {}, ['stripe_sim']],
    ['INR card from India', { currency: 'INR', payerCountry: 'IN' }, ['razorpay_sim', 'stripe_sim']],
    ['UPI from India', { currency: 'INR', payerCountry: 'IN', method: 'upi', cardBrand: null }, ['razorpay_sim']],
    ['M-Pesa from Kenya', { currency: 'KES', payerCountry: 'KE', method: 'mpesa', cardBrand: null }, ['mpesa_sim']],
    ['KES card from Kenya', { currency: 'KES', payerCountry: 'KE' }, ['paystack_sim', 'stripe_sim']],
    ['EUR card from Germany', { currency: 'EUR', payerCountry: 'DE' }, ['adyen_sim', 'stripe_sim']],
    ['USD card, country unknown (country not checked)', { payerCountry: null }, ['adyen_sim', 'stripe_sim']],
    ['EUR card from Brazil', { currency: 'EUR', payerCountry: 'BR' }, ['stripe_sim']],
  ])('default routing: %s → %j', (_name, change, order) => {
    const decision = decideRoute(defaults, connectors, facts(change));
    expect(decision).toMatchObject({ rule: null, order, firstReason: 'default' });
  });

  it('explains every ineligible candidate', () => {
    const decision = decideRoute(defaults, withConnector('adyen_sim', { enabled: false }), facts({ currency: 'EUR', payerCountry: 'DE' }));
    expect(decision.candidates).toEqual([
      { connector: 'razorpay_sim', eligible: false, reason: 'currency_unsupported' },
      { connector: 'mpesa_sim', eligible: false, reason: 'method_unsupported' },
      { connector: 'paystack_sim', eligible: false, reason: 'currency_unsupported' },
      { connector: 'adyen_sim', eligible: false, reason: 'disabled' },
      { connector: 'stripe_sim', eligible: true },
    ]);
  });

  it('skips an open circuit but keeps a half-open one (the probe)', () => {
    const eur = facts({ currency: 'EUR', payerCountry: 'DE' });
    expect(decideRoute(defaults, withConnector('adyen_sim', { circuit: 'open' }), eur).order).toEqual(['stripe_sim']);
    expect(decideRoute(defaults, withConnector('adyen_sim', { circuit: 'half_open' }), eur).order).toEqual(['adyen_sim', 'stripe_sim']);
  });

  const rules: RoutingConfig = {
    rules: [
      { if: { currency: ['EUR'], country: ['DE', 'FR'] }, then: { type: 'priority', connectors: ['adyen_sim', 'stripe_sim'] } },
      { if: { amount_gte: 100_000, amount_lt: 500_000 }, then: { type: 'priority', connectors: ['stripe_sim'] } },
      { if: { card_brand: ['amex'] }, then: { type: 'priority', connectors: ['paystack_sim'] } },
    ],
    default: ['stripe_sim'],
    max_attempts: 3,
  };

  it.each<[string, Partial<RoutingFacts>, number | null]>([
    ['EUR from DE matches rule 0', { currency: 'EUR', payerCountry: 'DE' }, 0],
    ['EUR from unknown country does not match a country rule', { currency: 'EUR', payerCountry: null }, null],
    ['amount at amount_gte matches rule 1', { amount: 100_000 }, 1],
    ['amount at amount_lt does not', { amount: 500_000 }, null],
    ['amex matches rule 2', { cardBrand: 'amex' }, 2],
  ])('%s', (_name, change, rule) => {
    expect(decideRoute(rules, connectors, facts(change)).rule).toBe(rule);
  });

  it('a rule whose connectors are all ineligible leaves nothing (no fall through to default)', () => {
    const decision = decideRoute(rules, connectors, facts({ cardBrand: 'amex' }));
    expect(decision).toMatchObject({ rule: 2, order: [] });
    expect(decision.candidates).toEqual([{ connector: 'paystack_sim', eligible: false, reason: 'currency_unsupported' }]);
  });

  it('cuts the order to max_attempts', () => {
    const config: RoutingConfig = { rules: [], default: ['stripe_sim', 'adyen_sim'], max_attempts: 1 };
    expect(decideRoute(config, connectors, facts({ payerCountry: null })).order).toEqual(['stripe_sim']);
  });

  it('a forced connector is the only candidate', () => {
    expect(decideRoute(defaults, connectors, facts(), 'stripe_sim')).toMatchObject({ order: ['stripe_sim'], firstReason: 'forced' });
    expect(decideRoute(defaults, connectors, facts(), 'adyen_sim')).toMatchObject({
      order: [],
      candidates: [{ connector: 'adyen_sim', eligible: false, reason: 'country_unsupported' }],
    });
    expect(decideRoute(defaults, connectors, facts(), 'nope').candidates[0].reason).toBe('unknown_connector');
  });

  describe('volume split', () => {
    const split: RoutingConfig = {
      rules: [{ if: {}, then: { type: 'volume_split', splits: [{ connector: 'adyen_sim', percent: 70 }, { connector: 'stripe_sim', percent: 30 }] } }],
      default: ['stripe_sim'],
      max_attempts: 3,
    };
    const ids = Array.from({ length: 1000 }, (_, i) => `pay_01JD4C1Z0K${String(i).padStart(16, '0')}`);
    const firstOf = () => ids.map((id) => decideRoute(split, connectors, facts({ paymentId: id, payerCountry: null })).order[0]);

    it('lands within ±5 % of the split over 1,000 payments, the other connector as fallback', () => {
      const firsts = firstOf();
      const adyen = firsts.filter((id) => id === 'adyen_sim').length;
      expect(adyen).toBeGreaterThanOrEqual(650);
      expect(adyen).toBeLessThanOrEqual(750);
      const one = decideRoute(split, connectors, facts({ paymentId: ids[0], payerCountry: null }));
      expect(one.order).toHaveLength(2);
      expect(one.firstReason).toBe('volume_split');
    });

    it('is identical on a rerun (hash of the payment id)', () => {
      expect(firstOf()).toEqual(firstOf());
      expect(splitBucket('pay_X')).toBe(splitBucket('pay_X'));
    });
  });
});
