import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';

const LEGACY_PREFIX = 'X-RateLimit-';
const STORE_WARNING_INTERVAL_MS = 10_000;

/**
 * Registered as an APP_GUARD after ApiKeyGuard, so the tracker is the authenticated API key.
 * Sends both X-RateLimit-* and IETF RateLimit-* headers, also on 429s, and fails open when
 * the shared store (Redis) is unreachable: an outage of the limiter must not take the API down.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger(RateLimitGuard.name);
  private lastStoreWarningAt = 0;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(): Promise<boolean> {
    return this.config.rateLimitRps <= 0;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof ThrottlerException) throw error;
      this.warnStoreUnavailable(error as Error);
      return true;
    }
  }

  private warnStoreUnavailable(error: Error): void {
    const now = Date.now();
    if (now - this.lastStoreWarningAt < STORE_WARNING_INTERVAL_MS) return;
    this.lastStoreWarningAt = now;
    this.log.warn(`Rate limiter store unavailable, requests are allowed meanwhile: ${error.message}`);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const { res } = this.getRequestResponse(context);
    const resetSeconds = Math.max(1, detail.timeToBlockExpire);
    this.setResponseHeader(res, `${LEGACY_PREFIX}Limit`, detail.limit);
    this.setResponseHeader(res, `${LEGACY_PREFIX}Remaining`, 0);
    this.setResponseHeader(res, `${LEGACY_PREFIX}Reset`, resetSeconds);
    this.setResponseHeader(res, 'Retry-After', resetSeconds);
    return super.throwThrottlingException(context, detail);
  }

  protected override setResponseHeader(res: Record<string, unknown>, name: string, value: string | number): void {
    super.setResponseHeader(res, name, value);
    if (name.startsWith(LEGACY_PREFIX)) super.setResponseHeader(res, name.slice(2), value);
  }
}
