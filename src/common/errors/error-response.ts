import { HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError } from './domain-error';
import { ERROR_CODES, ErrorCode } from './error-codes';

export interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string; request_id: string; [extra: string]: unknown };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'parameter_invalid',
};

// Postgres / driver conditions that mean "the database is not reachable right now".
const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const UNAVAILABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const RELEASED_RUNNER_ERRORS = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
// Text Postgres cannot store (a NUL byte in a string or a \u0000 escape in jsonb): the client's input, not our fault.
const UNSTORABLE_TEXT_PG_CODES = new Set(['22021', '22P05']);

const UNSUPPORTED_MEDIA_TYPE_MESSAGE =
  'Send the body as JSON (Content-Type: application/json) or form-encoded (Content-Type: application/x-www-form-urlencoded).';

const logger = new Logger('ExceptionFilter');

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof ThrottlerException) {
    // The guard's message (rate-limit.options.ts) names RATE_LIMIT_RPS and the current limit.
    return new DomainError('rate_limit_exceeded', error.message);
  }
  if (error instanceof HttpException) return fromHttpException(error);
  const fastifyCode = (error as { code?: string })?.code;
  if (fastifyCode && FASTIFY_CODES[fastifyCode]) {
    return new DomainError(FASTIFY_CODES[fastifyCode], fastifyMessage(fastifyCode, error as Error));
  }
  if (isBodySyntaxError(error)) return new DomainError('invalid_json', 'The request body is not valid JSON.');
  if (UNSTORABLE_TEXT_PG_CODES.has((error as { code?: string })?.code ?? '')) {
    return new DomainError('parameter_invalid', 'A parameter contains a character that cannot be stored (such as a NUL byte).');
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn(`Dependency unavailable: ${(error as Error).message}`);
    return new DomainError('service_unavailable', 'The service is temporarily unavailable. Retry shortly.');
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new DomainError('internal_error', 'An internal error occurred.');
}

function fromHttpException(error: HttpException): DomainError {
  const status = error.getStatus();
  if (status === 404) return new DomainError('route_not_found', `Unrecognized request URL: ${error.message.replace(/^Cannot /, '')}`);
  if (status === 413) return new DomainError('body_too_large', 'The request body is too large.');
  if (status === 415) return new DomainError('unsupported_media_type', UNSUPPORTED_MEDIA_TYPE_MESSAGE);
  if (status === 429) return new DomainError('rate_limit_exceeded', 'Too many requests.');
  // Fastify's body-parser errors reach us re-wrapped by Nest as plain HttpExceptions.
  if (status === 400 && /JSON/i.test(error.message)) return new DomainError('invalid_json', 'The request body is not valid JSON.');
  if (status >= 500) return new DomainError('internal_error', 'An internal error occurred.');
  return new DomainError('parameter_invalid', error.message);
}

function fastifyMessage(code: string, error: Error): string {
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return UNSUPPORTED_MEDIA_TYPE_MESSAGE;
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The request body is empty; send a JSON object.';
  if (code.includes('JSON')) return 'The request body is not valid JSON.';
  return error.message;
}

function isBodySyntaxError(error: unknown): boolean {
  return error instanceof SyntaxError && (error as { statusCode?: number }).statusCode === 400;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const { code, message, name } = (error ?? {}) as { code?: string; message?: string; name?: string };
  if (code && (UNAVAILABLE_PG_CODES.has(code) || UNAVAILABLE_NET_CODES.has(code))) return true;
  // The server dropped a transaction's connection (restart, failover): TypeORM has released the
  // transaction's query runner, so its next statement (or COMMIT) fails with one of these instead.
  if (name && RELEASED_RUNNER_ERRORS.has(name)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Connection is closed|connect ECONNREFUSED|connection error and is not queryable/i.test(
    message ?? '',
  );
}

/** Maps any thrown value to the documented error body. The single place statuses are decided. */
export function toErrorResponse(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  const domain = asDomainError(error);
  const spec = ERROR_CODES[domain.code];
  const body: ErrorBody = {
    error: {
      type: spec.type,
      code: domain.code,
      message: domain.message,
      ...(domain.param !== undefined ? { param: domain.param } : {}),
      ...domain.extra,
      request_id: requestId,
    },
  };
  return { status: spec.status, body };
}
