/**
 * The risk score (design-v2 §4), a pure and documented function of three signals:
 *   - the card's country differs from the payer's country (both known),
 *   - the amount is at least USD 1,000,
 *   - more than 20 charges on the card in the last hour of the merchant clock (this one included).
 * score = 10 + 30 × (signals present), capped at 100: 10, 40, 70, 100.
 * level: normal < 65 ≤ elevated < 85 ≤ highest. So one signal alone stays normal, two are elevated,
 * three are highest. The risk test cards override the score (4000000000004954 → 95 highest,
 * 4000000000009235 → 75 elevated, 4100000000000019 → 100 highest, always blocked).
 */
export type RiskLevel = 'normal' | 'elevated' | 'highest';

export const RISK_TEST_CARDS = {
  alwaysBlocked: '4100000000000019',
  highest: '4000000000004954',
  elevated: '4000000000009235',
} as const;

export const LARGE_AMOUNT_USD = 1000;
export const CARD_VELOCITY_LIMIT = 20;
const BASE_SCORE = 10;
const SIGNAL_WEIGHT = 30;
const ELEVATED_FROM = 65;
const HIGHEST_FROM = 85;

/** USD per one major unit of the currency: a small static table; unlisted currencies count 1:1. */
const USD_PER_UNIT: Readonly<Record<string, number>> = Object.freeze({
  usd: 1,
  eur: 1.08,
  gbp: 1.27,
  chf: 1.13,
  cad: 0.73,
  aud: 0.66,
  jpy: 0.0067,
  inr: 0.012,
  kes: 0.0077,
  brl: 0.18,
  mxn: 0.055,
  sek: 0.095,
});

/** Currencies without minor units (amounts are already in major units). */
const ZERO_DECIMAL = new Set(['jpy', 'krw', 'vnd', 'clp', 'isk', 'ugx']);

/** The amount (minor units of `currency`) in US dollars, rounded to cents. */
export function amountInUsd(amount: number, currency: string): number {
  const code = currency.toLowerCase();
  const major = ZERO_DECIMAL.has(code) ? amount : amount / 100;
  const rate = Object.prototype.hasOwnProperty.call(USD_PER_UNIT, code) ? USD_PER_UNIT[code] : 1;
  return Math.round(major * rate * 100) / 100;
}

export interface ScoreInput {
  cardNumber: string;
  /** false when the caller chose an explicit `simulate` mode: it wins over the risk test cards too. */
  testCardOverrides?: boolean;
  amountInUsd: number;
  cardCountry: string | null;
  payerCountry: string | null;
  chargesPerCardHourly: number;
}

export interface Score {
  score: number;
  level: RiskLevel;
}

export function levelOf(score: number): RiskLevel {
  return score >= HIGHEST_FROM ? 'highest' : score >= ELEVATED_FROM ? 'elevated' : 'normal';
}

export function countSignals(input: ScoreInput): number {
  const mismatch = input.cardCountry !== null && input.payerCountry !== null && input.cardCountry.toUpperCase() !== input.payerCountry.toUpperCase();
  const large = input.amountInUsd >= LARGE_AMOUNT_USD;
  const velocity = input.chargesPerCardHourly > CARD_VELOCITY_LIMIT;
  return [mismatch, large, velocity].filter(Boolean).length;
}

const TEST_CARD_SCORES: Readonly<Record<string, number>> = Object.freeze({
  [RISK_TEST_CARDS.alwaysBlocked]: 100,
  [RISK_TEST_CARDS.highest]: 95,
  [RISK_TEST_CARDS.elevated]: 75,
});

export function scorePayment(input: ScoreInput): Score {
  const overrides = input.testCardOverrides !== false && Object.prototype.hasOwnProperty.call(TEST_CARD_SCORES, input.cardNumber);
  const forced = overrides ? TEST_CARD_SCORES[input.cardNumber] : undefined;
  const score = forced ?? Math.min(100, BASE_SCORE + SIGNAL_WEIGHT * countSignals(input));
  return { score, level: levelOf(score) };
}
