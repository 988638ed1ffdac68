import { DomainError } from './errors/domain-error';

/** Largest amount accepted in minor units: well inside both int8 and JS safe integers. */
export const MAX_AMOUNT = 99_999_999_999;

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isKnownCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code.toUpperCase());
}

/** ISO 4217 minor-unit digits (JPY 0, USD 2, KWD 3). */
export function currencyDecimals(code: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function normalizeCurrency(code: string): string {
  return code.toUpperCase();
}

/** Checks a money amount in one place: a positive integer in minor units, at most MAX_AMOUNT. */
export function assertAmount(amount: number, param = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw new DomainError('parameter_invalid', `${param} must be a positive integer in minor units, at most ${MAX_AMOUNT}`, param);
  }
}

/** pg returns int8 as strings: convert at the entity boundary, refusing anything unsafe. */
export const bigintTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null): number | null => {
    if (value === null) return null;
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new Error(`bigint out of safe range: ${value}`);
    return number;
  },
};
