import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ExecutionContext } from '@nestjs/common';
import { ThrottlerModuleOptions } from '@nestjs/throttler';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';

export const RATE_LIMIT_WINDOW_MS = 1_000;
const REDIS_CONNECT_TIMEOUT_MS = 2_000;

interface TrackedRequest {
  ip?: string;
  actor?: Actor;
}

/** Per API key (the guard runs after authentication); routes without a key fall back to the client IP. */
export function rateLimitTracker(request: TrackedRequest): string {
  return request.actor ? `key:${request.actor.apiKeyId}` : `ip:${request.ip ?? 'unknown'}`;
}

/**
 * One budget per tracker across every route and every API instance (the throttler's default key
 * would split it per controller method); the prefix keeps test runs apart in a shared Redis.
 */
export function rateLimitKey(prefix: string) {
  return (_context: ExecutionContext, tracker: string, throttlerName: string): string =>
    `${prefix}:ratelimit:${throttlerName}:${tracker}`;
}

export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  const enabled = config.rateLimitRps > 0;
  return {
    throttlers: [{ name: 'default', ttl: RATE_LIMIT_WINDOW_MS, limit: Math.max(config.rateLimitRps, 1) }],
    getTracker: (request) => rateLimitTracker(request as TrackedRequest),
    generateKey: rateLimitKey(config.redisKeyPrefix),
    errorMessage: `Too many requests: the limit is ${config.rateLimitRps} per second per API key (RATE_LIMIT_RPS). Retry after the Retry-After delay, or raise RATE_LIMIT_RPS (0 turns the limit off).`,
    storage:
      enabled && config.redisUrl
        ? new ThrottlerStorageRedisService(config.redisUrl, {
            connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
            maxRetriesPerRequest: 1,
            lazyConnect: false,
            // While Redis is down, fail at once (the guard then lets the request through) instead
            // of queueing the command until a reconnect attempt fails: no added latency.
            enableOfflineQueue: false,
          })
        : undefined,
  };
}
