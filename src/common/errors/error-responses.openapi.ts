import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ERROR_CODES, ErrorCode } from './error-codes';

const ERROR_SCHEMA = 'ErrorResponse';
const ERROR_REF = { $ref: `#/components/schemas/${ERROR_SCHEMA}` };

const ERROR_TYPES = [...new Set(Object.values(ERROR_CODES).map((spec) => spec.type))];

/** The one error shape, generated from ERROR_CODES so the enum never drifts. */
const ERROR_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['type', 'code', 'message', 'request_id'],
      properties: {
        type: { type: 'string', enum: ERROR_TYPES },
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string', example: 'Missing required parameter: amount' },
        param: { type: 'string', description: 'The offending parameter (dotted path), when there is one.', example: 'amount' },
        request_id: { type: 'string', example: 'req_01JD4C1Z0K3M5N7P9Q2R4S6T8V' },
        payment_id: { type: 'string', description: 'The payment the error is about, when the request named one indirectly.' },
        status: { type: 'string', description: 'payment_invalid_state: the status the payment is in.', example: 'CANCELED' },
        now: { type: 'string', format: 'date-time', description: 'clock_backwards: the merchant clock\'s current time.', example: '2026-01-01T00:00:00.000Z' },
        valid_values: { type: 'array', items: { type: 'string' }, description: 'An unknown enum value: the accepted ones.' },
        reason: { type: 'string', description: 'A forced connector that cannot take the payment: why (e.g. currency_not_supported).' },
      },
      additionalProperties: true,
    },
  },
} as const;

interface ErrorDoc {
  description: string;
  codes: ErrorCode[];
}

const DOCS: Record<number, ErrorDoc> = {
  400: { description: 'Invalid request: a parameter is missing, unknown or invalid (`param` names it).', codes: ['parameter_invalid', 'parameter_missing', 'parameter_unknown', 'invalid_json', 'invalid_card_number', 'capture_exceeds_authorized', 'refund_exceeds_captured', 'webhook_url_not_allowed', 'clock_backwards'] },
  401: { description: 'No API key, or an invalid or revoked one.', codes: ['api_key_missing', 'api_key_invalid', 'admin_key_invalid'] },
  403: { description: 'A browser request from an origin CORS_ORIGINS does not allow.', codes: ['origin_not_allowed'] },
  404: { description: 'No such object for this merchant.', codes: ['resource_missing'] },
  409: { description: 'The object is in a state that forbids this, or the Idempotency-Key is in flight (see Retry-After).', codes: ['payment_invalid_state', 'idempotency_key_in_use', 'api_key_last_active', 'webhook_endpoint_disabled', 'review_not_open'] },
  413: { description: 'The body is larger than 1 MiB.', codes: ['body_too_large'] },
  415: { description: 'The body is neither JSON nor form-encoded.', codes: ['unsupported_media_type'] },
  422: { description: 'The Idempotency-Key was used with a different request.', codes: ['idempotency_key_reused'] },
  429: { description: 'Too many requests for this API key (RATE_LIMIT_RPS); see Retry-After.', codes: ['rate_limit_exceeded'] },
  500: { description: 'An internal error (never a stack trace).', codes: ['internal_error'] },
  503: { description: 'The database is unreachable; retry shortly.', codes: ['service_unavailable'] },
  504: { description: 'The simulated card network timed out (simulate=network_timeout).', codes: ['network_timeout'] },
};

function statusesFor(path: string, method: string, operation: OperationObject): number[] {
  const statuses = [400, 403, 500, 503];
  const authenticated = (operation.security ?? []).length > 0;
  if (authenticated) statuses.push(401, 429);
  if (path.includes('{')) statuses.push(404);
  if (method === 'post' || method === 'patch') statuses.push(413, 415);
  if (method === 'post' && authenticated) statuses.push(409, 422);
  if (path === '/v1/payments' && method === 'post') statuses.push(504);
  return [...new Set(statuses)].sort();
}

function errorResponse(status: number): ResponseObject {
  const doc = DOCS[status];
  return {
    description: `${doc.description} Codes: ${doc.codes.join(', ')}.`,
    content: { 'application/json': { schema: ERROR_REF } },
  };
}

/** Adds the ErrorResponse schema and, on every operation, the error statuses it can answer with. */
export function withErrorResponses(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, schemas: { ...document.components?.schemas, [ERROR_SCHEMA]: ERROR_RESPONSE_SCHEMA as never } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'patch', 'delete', 'put'] as const) {
      const operation = item[method];
      if (!operation) continue;
      for (const status of statusesFor(path, method, operation)) {
        operation.responses[String(status)] ??= errorResponse(status);
      }
      // An error a controller documents by description only still answers in the one error shape.
      for (const [status, response] of Object.entries(operation.responses)) {
        const declared = response as ResponseObject;
        if (/^[45]/.test(status) && !declared.content) declared.content = { 'application/json': { schema: ERROR_REF } };
      }
    }
  }
  return document;
}
