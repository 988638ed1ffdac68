/**
 * Stripe's test payment-method ids (`pm_card_visa`) and their `tok_visa` twins, mapped to our test
 * cards. The one table: the DTO, the OpenAPI description, the error message and the README's
 * "Test payment methods" table (checked by test-payment-methods.spec.ts) all read it.
 * The 3DS and risk cards behave as plain successes until those features exist; they already map
 * to the card numbers those features will key on.
 */
export const TEST_PAYMENT_METHODS = Object.freeze({
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  amex: '378282246310005',
  chargeDeclined: '4000000000000002',
  chargeDeclinedInsufficientFunds: '4000000000009995',
  chargeDeclinedExpiredCard: '4000000000000069',
  chargeDeclinedIncorrectCvc: '4000000000000127',
  chargeDeclinedProcessingError: '4000000000000119',
  chargeDeclinedFraudulent: '4100000000000019',
  threeDSecure2Required: '4000002760003184',
  riskLevelElevated: '4000000000009235',
  riskLevelHighest: '4000000000004954',
} as const);

export type TestPaymentMethodName = keyof typeof TEST_PAYMENT_METHODS;

const PM_PREFIX = 'pm_card_';
const TOKEN_PREFIX = 'tok_';

/** Every accepted id, pm_card_* first then tok_* (for messages and the OpenAPI enum). */
export const TEST_PAYMENT_METHOD_IDS: readonly string[] = Object.freeze([
  ...Object.keys(TEST_PAYMENT_METHODS).map((name) => PM_PREFIX + name),
  ...Object.keys(TEST_PAYMENT_METHODS).map((name) => TOKEN_PREFIX + name),
]);

/** Test ids expire far in the future (a fixed date keeps replays and event payloads stable). */
export const TEST_PAYMENT_METHOD_EXPIRY = Object.freeze({ exp_month: 12, exp_year: 2099 });

/** The card number behind `pm_card_<name>` or `tok_<name>`, or undefined for any other string. */
export function testPaymentMethodCard(id: string): string | undefined {
  const name = id.startsWith(PM_PREFIX) ? id.slice(PM_PREFIX.length) : id.startsWith(TOKEN_PREFIX) ? id.slice(TOKEN_PREFIX.length) : undefined;
  if (name === undefined || !Object.prototype.hasOwnProperty.call(TEST_PAYMENT_METHODS, name)) return undefined;
  return TEST_PAYMENT_METHODS[name as TestPaymentMethodName];
}

export const PAYMENT_METHOD_FORMS_MESSAGE =
  "payment_method must be an object {type: 'card', card: {number, exp_month, exp_year, cvc?}} or a test payment method id: " +
  `${TEST_PAYMENT_METHOD_IDS.filter((id) => id.startsWith(PM_PREFIX)).join(', ')} (or the tok_* twin of each, e.g. tok_visa)`;
