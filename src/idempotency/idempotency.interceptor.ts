import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable, of, throwError } from 'rxjs';
import { catchError } from 'rxjs/operators';
import { Actor } from '../common/actor';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { toErrorResponse } from '../common/errors/error-response';
import { IdempotencyClaim, IdempotencyService } from './idempotency.service';
import { hashBody, RequestFingerprint } from './request-fingerprint';
import { REDACT_ON_REPLAY_KEY, redactFields } from './redact-on-replay.decorator';
import { SKIP_IDEMPOTENCY_KEY } from './skip-idempotency.decorator';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const IN_FLIGHT_RETRY_AFTER_SECONDS = '1';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Rejections that mean "the request was not processed": not stored, so a corrected retry with the same key runs. */
const NOT_STORED_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'parameter_invalid',
  'parameter_missing',
  'parameter_unknown',
  'invalid_json',
  'invalid_card_number',
  'body_too_large',
  'unsupported_media_type',
  'route_not_found',
  'origin_not_allowed',
  'api_key_missing',
  'api_key_invalid',
  'admin_key_invalid',
  'rate_limit_exceeded',
  'idempotency_key_in_use',
  'idempotency_key_reused',
]);

type IdempotentRequest = FastifyRequest & { actor?: Actor };

/**
 * Global interceptor for POSTs carrying Idempotency-Key (runs after the guards, so the merchant is
 * known). Claims the key, runs the handler once, stores its status and body, replays them later.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (request.method !== 'POST' || header === undefined || !request.actor || this.isSkipped(context)) return next.handle();
    const key = parseKey(header);
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const result = await this.idempotency.claim(request.actor.merchantId, key, fingerprint(request)).catch((error: unknown) => {
      // The first request is still running: say when to look again.
      if (error instanceof DomainError && error.code === 'idempotency_key_in_use') void reply.header('Retry-After', IN_FLIGHT_RETRY_AFTER_SECONDS);
      throw error;
    });
    if (result.kind === 'replay') {
      void reply.status(result.status).header('Idempotent-Replayed', 'true').type(JSON_CONTENT_TYPE);
      return of(result.text);
    }
    request.actor.idempotencyKey = `${key}#${result.claim.claimId}`;
    const redacted = this.redactedFields(context);
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        // Serialized once here, so the first answer and every replay are the same bytes
        // (except redacted fields such as a signing secret, which are never stored).
        const text = JSON.stringify(body ?? null);
        const stored = redacted.length > 0 ? JSON.stringify(redactFields(body, redacted) ?? null) : text;
        await this.store(result.claim, reply.statusCode, stored);
        void reply.type(JSON_CONTENT_TYPE);
        return text;
      }),
      catchError((error: unknown) => from(this.settleError(result.claim, error, String(request.id))).pipe(mergeMap(() => throwError(() => error)))),
    );
  }

  private isSkipped(context: ExecutionContext): boolean {
    return this.reflector.getAllAndOverride<boolean | undefined>(SKIP_IDEMPOTENCY_KEY, [context.getHandler(), context.getClass()]) === true;
  }

  private redactedFields(context: ExecutionContext): string[] {
    return this.reflector.getAllAndOverride<string[] | undefined>(REDACT_ON_REPLAY_KEY, [context.getHandler(), context.getClass()]) ?? [];
  }

  private async settleError(claim: IdempotencyClaim, error: unknown, requestId: string): Promise<void> {
    if (!(error instanceof DomainError)) return this.release(claim);
    const { status, body } = toErrorResponse(error, requestId);
    const isOutcome = error.code === 'network_timeout' || (status < 500 && !NOT_STORED_CODES.has(error.code));
    // The filter sends this same body through Fastify's JSON.stringify: the stored text is byte-equal.
    return isOutcome ? this.store(claim, status, JSON.stringify(body)) : this.release(claim);
  }

  /** A failed write leaves the claim in flight: after the lock timeout a retry takes it over and recovers. */
  private async store(claim: IdempotencyClaim, status: number, text: string): Promise<void> {
    try {
      await this.idempotency.complete(claim, status, text);
    } catch (error) {
      this.logger.warn(`Could not store the idempotent result: ${(error as Error).message}`);
    }
  }

  private async release(claim: IdempotencyClaim): Promise<void> {
    try {
      await this.idempotency.release(claim);
    } catch (error) {
      this.logger.warn(`Could not release the idempotency claim: ${(error as Error).message}`);
    }
  }
}

function parseKey(header: string | string[]): string {
  const key = Array.isArray(header) ? undefined : header;
  if (key === undefined || key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new DomainError(
      'parameter_invalid',
      `Idempotency-Key must be a single value of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
      'Idempotency-Key',
    );
  }
  return key;
}

function fingerprint(request: FastifyRequest): RequestFingerprint {
  return { method: request.method, path: request.url, bodyHash: hashBody(request.body) };
}
