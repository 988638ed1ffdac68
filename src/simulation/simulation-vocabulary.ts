import { DomainError } from '../common/errors/domain-error';
import { SIMULATE_CREATE_MODES, SIMULATE_REFUND_MODES } from '../payments/card-simulation';

/** Faults of the API itself (not of the card): the same words in the body's `simulate`, the header and scenarios. */
export const API_FAULTS = ['api_error', 'service_unavailable', 'connection_reset', 'lost_response'] as const;
export type ApiFault = (typeof API_FAULTS)[number];

/** What a payment create accepts in `simulate` / `Sandbox-Simulate` / a scenario outcome. */
export const PAYMENT_SIMULATE_VALUES = [...SIMULATE_CREATE_MODES, ...API_FAULTS] as const;
export type PaymentSimulateValue = (typeof PAYMENT_SIMULATE_VALUES)[number];

/** What a refund create accepts in `simulate` / `Sandbox-Simulate`. */
export const REFUND_SIMULATE_VALUES = [...SIMULATE_REFUND_MODES, ...API_FAULTS] as const;
export type RefundSimulateValue = (typeof REFUND_SIMULATE_VALUES)[number];

export const SIMULATE_HEADER = 'Sandbox-Simulate';
const HEADER_VALUE = /^[a-z_]{1,40}$/;

export function isApiFault(value: string | undefined): value is ApiFault {
  return value !== undefined && (API_FAULTS as readonly string[]).includes(value);
}

/**
 * Parses the Sandbox-Simulate header against a route's vocabulary. Absent → undefined; anything
 * else that is not exactly one known value (odd characters, repeated header, unknown word) → 400.
 */
export function parseSimulateHeader<T extends string>(header: string | string[] | undefined, valid: readonly T[]): T | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? undefined : header.trim();
  if (value !== undefined && HEADER_VALUE.test(value) && (valid as readonly string[]).includes(value)) return value as T;
  throw new DomainError('parameter_invalid', `${SIMULATE_HEADER} must be one of: ${valid.join(', ')}.`, SIMULATE_HEADER, {
    valid_values: [...valid],
  });
}
