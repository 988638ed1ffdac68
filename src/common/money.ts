import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/** Largest amount accepted in minor units: well inside both int8 and JS safe integers. */
export const MAX_AMOUNT = 99_999_999_999;

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isKnownCurrency(code: string): boolean {
  return KNOWN_CURRENCIES.has(code.toUpperCase());
}

export function normalizeCurrency(code: string): string {
  return code.toUpperCase();
}

const AMOUNT_MESSAGE = 'amount must be a positive integer in minor units';

/** The one money check for request bodies: a positive integer in minor units, at most MAX_AMOUNT. */
export function IsAmount(): PropertyDecorator {
  // Listed bottom-up, as stacked decorators apply: the type check stays the one reported first.
  return applyDecorators(
    Max(MAX_AMOUNT, { message: `amount must be at most ${MAX_AMOUNT}` }),
    Min(1, { message: AMOUNT_MESSAGE }),
    IsInt({ message: AMOUNT_MESSAGE }),
  );
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
