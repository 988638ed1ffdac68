import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLuhnValid, testCardOutcome } from './card-simulation';
import { PAYMENT_METHOD_FORMS_MESSAGE, TEST_PAYMENT_METHODS, testPaymentMethodCard } from './test-payment-methods';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('test payment method ids', () => {
  it.each(Object.entries(TEST_PAYMENT_METHODS))('pm_card_%s and tok_%s map to a Luhn-valid card', (name, number) => {
    expect(testPaymentMethodCard(`pm_card_${name}`)).toBe(number);
    expect(testPaymentMethodCard(`tok_${name}`)).toBe(number);
    expect(isLuhnValid(number)).toBe(true);
  });

  it.each(['pm_card_', 'pm_card_toString', 'tok___proto__', 'pm_card_VISA', 'visa', 'card_visa', ''])('%p is not an id', (id) => {
    expect(testPaymentMethodCard(id)).toBeUndefined();
  });

  it('the decline ids use the decline cards of the card table', () => {
    expect(testCardOutcome(TEST_PAYMENT_METHODS.chargeDeclined)).toBe('card_declined');
    expect(testCardOutcome(TEST_PAYMENT_METHODS.chargeDeclinedFraudulent)).toBe('fraud_detected');
    expect(testCardOutcome(TEST_PAYMENT_METHODS.visa)).toBe('success');
  });

  it('the README table lists exactly the ids of the code table, with their cards', () => {
    const rows = [...README.matchAll(/^\s*\| `pm_card_(\w+)` \| (\d+) \|/gm)].map((match) => [match[1], match[2]]);
    expect(rows).toEqual(Object.entries(TEST_PAYMENT_METHODS));
  });

  it('the error message names every pm_card id and the tok_ form', () => {
    for (const name of Object.keys(TEST_PAYMENT_METHODS)) expect(PAYMENT_METHOD_FORMS_MESSAGE).toContain(`pm_card_${name}`);
    expect(PAYMENT_METHOD_FORMS_MESSAGE).toContain('tok_visa');
  });
});
