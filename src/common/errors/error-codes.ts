export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error';

interface ErrorSpec {
  status: number;
  type: ErrorType;
}

/** Every stable error code the API can answer with, and the HTTP status and type it maps to. */
export const ERROR_CODES = {
  // request shape
  parameter_invalid: { status: 400, type: 'invalid_request_error' },
  parameter_missing: { status: 400, type: 'invalid_request_error' },
  parameter_unknown: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_card_number: { status: 400, type: 'invalid_request_error' },
  body_too_large: { status: 413, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  route_not_found: { status: 404, type: 'invalid_request_error' },
  origin_not_allowed: { status: 403, type: 'invalid_request_error' },
  resource_missing: { status: 404, type: 'invalid_request_error' },
  // auth
  api_key_missing: { status: 401, type: 'authentication_error' },
  api_key_invalid: { status: 401, type: 'authentication_error' },
  admin_key_invalid: { status: 401, type: 'authentication_error' },
  // api keys
  api_key_last_active: { status: 409, type: 'invalid_request_error' },
  // reviews
  review_not_open: { status: 409, type: 'invalid_request_error' },
  // payments and refunds
  payment_invalid_state: { status: 409, type: 'invalid_request_error' },
  capture_exceeds_authorized: { status: 400, type: 'invalid_request_error' },
  refund_exceeds_captured: { status: 400, type: 'invalid_request_error' },
  // test clocks
  clock_backwards: { status: 400, type: 'invalid_request_error' },
  // webhooks
  webhook_url_not_allowed: { status: 400, type: 'invalid_request_error' },
  webhook_endpoint_disabled: { status: 409, type: 'invalid_request_error' },
  // idempotency and rate limiting
  idempotency_key_reused: { status: 422, type: 'idempotency_error' },
  idempotency_key_in_use: { status: 409, type: 'idempotency_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  // server side
  network_timeout: { status: 504, type: 'api_error' },
  service_unavailable: { status: 503, type: 'api_error' },
  internal_error: { status: 500, type: 'api_error' },
  api_error: { status: 500, type: 'api_error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
