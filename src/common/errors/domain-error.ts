import { ErrorCode } from './error-codes';

/**
 * The only error services throw. `code` is stable and maps to an HTTP status in one place
 * (the exception filter); `extra` adds fields to the error body (e.g. `payment_id`).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string, id: string, param = 'id'): DomainError {
    return new DomainError('resource_missing', `No such ${what}: '${id}'`, param);
  }
}
