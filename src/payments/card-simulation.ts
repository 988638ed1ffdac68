import { CUSTOMER_STEP_FAILURE_MESSAGES } from '../payment-methods/failure-messages';

export const SIMULATE_CREATE_MODES = [
  'success',
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'fraud_detected',
  'bank_error',
  'network_timeout',
] as const;
export type SimulateCreateMode = (typeof SIMULATE_CREATE_MODES)[number];

export const SIMULATE_CAPTURE_MODES = ['bank_error', 'processing_error'] as const;
export type SimulateCaptureMode = (typeof SIMULATE_CAPTURE_MODES)[number];

export const SIMULATE_REFUND_MODES = ['refund_failure', 'fail_later'] as const;
export type SimulateRefundMode = (typeof SIMULATE_REFUND_MODES)[number];

/** Routing's own terminal code: no connector could take the payment (design-v2 §3). */
export type RoutingFailureCode = 'no_connector_available';

export type FailureCode = Exclude<SimulateCreateMode, 'success'> | SimulateCaptureMode | 'refund_failure' | RoutingFailureCode;

/** A refund of a payment made with this test card stays PENDING, then fails an hour later (merchant clock). */
export const FAIL_LATER_REFUND_CARD = '4000000000005126';

/**
 * Whether refunds of a payment made with this card stay PENDING and fail later: the exact test
 * card, compared on its full number when the payment is created (only the answer is stored).
 * Any other card, whatever its brand and last 4 digits, refunds normally.
 */
export function refundFailsLater(cardNumber: string): boolean {
  return cardNumber === FAIL_LATER_REFUND_CARD;
}

export const DEFAULT_TEST_CARD = '4242424242424242';

export const TEST_CARDS: Readonly<Record<string, SimulateCreateMode>> = Object.freeze({
  '4242424242424242': 'success',
  '4000000000000002': 'card_declined',
  '4000000000009995': 'insufficient_funds',
  '4000000000000069': 'expired_card',
  '4000000000000127': 'incorrect_cvc',
  '4000000000000119': 'processing_error',
  '4100000000000019': 'fraud_detected',
});

const FAILURE_MESSAGES: Readonly<Record<FailureCode, string>> = {
  card_declined: 'The card was declined.',
  insufficient_funds: 'The card has insufficient funds to complete the payment.',
  expired_card: 'The card has expired.',
  incorrect_cvc: "The card's security code (CVC) is incorrect.",
  processing_error: 'An error occurred while processing the card. Please try again.',
  fraud_detected: 'The payment was blocked because it was flagged as potentially fraudulent.',
  bank_error: 'The issuing bank returned an error. Please try again later.',
  network_timeout: 'The card network did not respond in time.',
  refund_failure: 'The refund could not be processed by the card network.',
  no_connector_available: 'No connector can process this payment (method, currency, country, or all circuits open or disabled).',
};

const GENERIC_FAILURE_MESSAGE = 'The payment could not be processed.';

const DIGITS_ONLY = /^\d+$/;
const MIN_CARD_LENGTH = 12;
const MAX_CARD_LENGTH = 19;

export function isLuhnValid(number: string): boolean {
  if (!DIGITS_ONLY.test(number) || number.length < MIN_CARD_LENGTH || number.length > MAX_CARD_LENGTH) {
    return false;
  }
  return luhnSum(number) % 10 === 0;
}

function luhnSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    // Every second digit from the right is doubled; 2-digit results are reduced by 9.
    const value = i % 2 === 1 ? digit * 2 : digit;
    sum += value > 9 ? value - 9 : value;
  }
  return sum;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'unknown';

type BrandRule = readonly [brand: CardBrand, prefixLength: number, from: number, to: number];

// Order matters: more specific ranges first (e.g. Discover 6011/644-649/65 before UnionPay 62).
// Discover's co-branded 622126-622925 range is deliberately left to UnionPay.
const BRAND_RULES: readonly BrandRule[] = [
  ['amex', 2, 34, 34],
  ['amex', 2, 37, 37],
  ['jcb', 4, 3528, 3589],
  ['diners', 3, 300, 305],
  ['diners', 2, 36, 36],
  ['diners', 2, 38, 39],
  ['visa', 1, 4, 4],
  ['mastercard', 2, 51, 55],
  ['mastercard', 4, 2221, 2720],
  ['discover', 4, 6011, 6011],
  ['discover', 3, 644, 649],
  ['discover', 2, 65, 65],
  ['unionpay', 2, 62, 62],
];

function matchesRule(number: string, [, prefixLength, from, to]: BrandRule): boolean {
  if (number.length < prefixLength) {
    return false;
  }
  const prefix = Number(number.slice(0, prefixLength));
  return prefix >= from && prefix <= to;
}

export function detectBrand(number: string): CardBrand {
  if (!DIGITS_ONLY.test(number)) {
    return 'unknown';
  }
  const rule = BRAND_RULES.find((candidate) => matchesRule(number, candidate));
  return rule ? rule[0] : 'unknown';
}

export function testCardOutcome(cardNumber: string): SimulateCreateMode | undefined {
  return Object.prototype.hasOwnProperty.call(TEST_CARDS, cardNumber) ? TEST_CARDS[cardNumber] : undefined;
}

/** Explicit simulate mode wins, then the test card table, then success. */
export function resolveOutcome(explicit: SimulateCreateMode | undefined, cardNumber: string): SimulateCreateMode {
  return explicit ?? testCardOutcome(cardNumber) ?? 'success';
}

function isFailureCode(code: string): code is FailureCode {
  return Object.prototype.hasOwnProperty.call(FAILURE_MESSAGES, code);
}

export function failureMessage(code: string): string {
  if (isFailureCode(code)) return FAILURE_MESSAGES[code];
  return Object.prototype.hasOwnProperty.call(CUSTOMER_STEP_FAILURE_MESSAGES, code) ? CUSTOMER_STEP_FAILURE_MESSAGES[code] : GENERIC_FAILURE_MESSAGE;
}
