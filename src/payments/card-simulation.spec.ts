import {
  CardBrand,
  DEFAULT_TEST_CARD,
  SIMULATE_CAPTURE_MODES,
  SIMULATE_CREATE_MODES,
  SIMULATE_REFUND_MODES,
  SimulateCreateMode,
  TEST_CARDS,
  FAIL_LATER_REFUND_CARD,
  detectBrand,
  failureMessage,
  isLuhnValid,
  refundFailsLater,
  resolveOutcome,
} from './card-simulation';

describe('card simulation', () => {
  describe('test cards', () => {
    it.each<[string, SimulateCreateMode]>([
      ['4242424242424242', 'success'],
      ['4000000000000002', 'card_declined'],
      ['4000000000009995', 'insufficient_funds'],
      ['4000000000000069', 'expired_card'],
      ['4000000000000127', 'incorrect_cvc'],
      ['4000000000000119', 'processing_error'],
      ['4100000000000019', 'fraud_detected'],
    ])('%s -> %s', (card, outcome) => {
      expect(TEST_CARDS[card]).toBe(outcome);
      expect(resolveOutcome(undefined, card)).toBe(outcome);
      expect(isLuhnValid(card)).toBe(true);
      expect(detectBrand(card)).toBe('visa');
    });

    it('has exactly the documented test cards', () => {
      expect(Object.keys(TEST_CARDS)).toHaveLength(7);
    });

    it('uses a successful visa as the default test card', () => {
      expect(TEST_CARDS[DEFAULT_TEST_CARD]).toBe('success');
    });
  });

  describe('refundFailsLater', () => {
    it('is the fail-later test card, compared on its full number', () => {
      expect(refundFailsLater(FAIL_LATER_REFUND_CARD)).toBe(true);
      expect(refundFailsLater('4000000000005126')).toBe(true);
    });

    it.each([
      ['another Visa ending 5126', '4000000000185126'],
      ['another Visa ending 5126 (4242… range)', '4242424242085126'],
      ['a Mastercard ending 5126', '5100000000065126'],
      ['the default test card', DEFAULT_TEST_CARD],
      ['the last 4 digits alone', '5126'],
    ])('%s (%s) refunds normally', (_label, number) => {
      expect(refundFailsLater(number)).toBe(false);
    });

    it('the look-alikes above are valid cards of the brand they claim (so brand + last 4 could not tell them apart)', () => {
      expect([isLuhnValid('4000000000185126'), detectBrand('4000000000185126')]).toEqual([true, 'visa']);
      expect([isLuhnValid('4242424242085126'), detectBrand('4242424242085126')]).toEqual([true, 'visa']);
      expect([isLuhnValid('5100000000065126'), detectBrand('5100000000065126')]).toEqual([true, 'mastercard']);
    });
  });

  describe('isLuhnValid', () => {
    it.each([
      '4242424242424242',
      '5555555555554444',
      '378282246310005',
      '6011111111111117',
      '36227206271667',
      '3566002020360505',
      '6200000000000005',
      '2223003122003222',
    ])('accepts %s', (card) => {
      expect(isLuhnValid(card)).toBe(true);
    });

    it.each([
      ['bad check digit', '4242424242424241'],
      ['non-digits', '4242-4242-4242-4242'],
      ['letters', '42424242424242ab'],
      ['spaces', '4242 4242 4242 4242'],
      ['too short (11 digits)', '42424242426'],
      ['too long (20 digits)', '42424242424242424240'],
      ['empty', ''],
    ])('rejects %s: %p', (_label, card) => {
      expect(isLuhnValid(card)).toBe(false);
    });

    it('accepts the 12 and 19 digit boundaries when the checksum is valid', () => {
      expect(isLuhnValid('000000000000')).toBe(true);
      expect(isLuhnValid('4000000000000000006')).toBe(true);
    });
  });

  describe('detectBrand', () => {
    it.each<[string, CardBrand]>([
      ['4242424242424242', 'visa'],
      ['5555555555554444', 'mastercard'],
      ['2223003122003222', 'mastercard'],
      ['378282246310005', 'amex'],
      ['6011111111111117', 'discover'],
      ['3566002020360505', 'jcb'],
      ['36227206271667', 'diners'],
      ['6200000000000005', 'unionpay'],
    ])('%s is %s', (card, brand) => {
      expect(detectBrand(card)).toBe(brand);
    });

    it.each<[string, CardBrand]>([
      ['340000000000009', 'amex'],
      ['5100000000000008', 'mastercard'],
      ['2221000000000009', 'mastercard'],
      ['2720990000000007', 'mastercard'],
      ['6440000000000000', 'discover'],
      ['6500000000000002', 'discover'],
      ['3528000000000007', 'jcb'],
      ['3589000000000003', 'jcb'],
      ['30000000000004', 'diners'],
      ['30500000000003', 'diners'],
      ['38000000000006', 'diners'],
      ['6221260000000000', 'unionpay'],
    ])('range edge %s is %s', (card, brand) => {
      expect(detectBrand(card)).toBe(brand);
    });

    it.each(['1234567890123456', '2220990000000000', '2721000000000000', '5600000000000000', '3060000000000000', 'abcd', ''])(
      '%p is unknown',
      (card) => {
        expect(detectBrand(card)).toBe('unknown');
      },
    );
  });

  describe('resolveOutcome', () => {
    it('lets an explicit simulate mode override the test card', () => {
      expect(resolveOutcome('network_timeout', '4000000000000002')).toBe('network_timeout');
      expect(resolveOutcome('success', '4000000000000002')).toBe('success');
      expect(resolveOutcome('card_declined', DEFAULT_TEST_CARD)).toBe('card_declined');
    });

    it('falls back to success for unknown cards', () => {
      expect(resolveOutcome(undefined, '5555555555554444')).toBe('success');
    });

    it('ignores inherited object keys', () => {
      expect(resolveOutcome(undefined, 'toString')).toBe('success');
      expect(resolveOutcome(undefined, '__proto__')).toBe('success');
    });
  });

  describe('failureMessage', () => {
    const failureCodes = [
      ...SIMULATE_CREATE_MODES.filter((mode) => mode !== 'success'),
      ...SIMULATE_CAPTURE_MODES,
      // fail_later is not a failure code: the refund fails with refund_failure an hour later.
      ...SIMULATE_REFUND_MODES.filter((mode) => mode !== 'fail_later'),
    ];

    it.each(failureCodes)('has a specific message for %s', (code) => {
      const message = failureMessage(code);
      expect(message).toMatch(/\.$/);
      expect(message).not.toBe(failureMessage('something_unknown'));
    });

    it('uses the documented messages', () => {
      expect(failureMessage('card_declined')).toBe('The card was declined.');
      expect(failureMessage('network_timeout')).toBe('The card network did not respond in time.');
    });

    it('falls back to a generic message', () => {
      expect(failureMessage('something_unknown')).toBe('The payment could not be processed.');
      expect(failureMessage('toString')).toBe('The payment could not be processed.');
    });
  });
});
