import type { FastifyCorsOptions } from '@fastify/cors';
import { AppConfig } from '../config/app-config';

/** What a browser script may read from our responses (besides the CORS-safelisted headers). */
export const CORS_EXPOSED_HEADERS = [
  'Request-Id',
  'Idempotent-Replayed',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS from CORS_ORIGINS: `*` answers every origin; a list answers only those origins and a
 * request from any other origin gets no CORS header at all (the browser then blocks it, and its
 * preflight is not answered). Undefined when CORS is off.
 */
export function corsOptions(config: AppConfig): FastifyCorsOptions | undefined {
  const origins = config.corsOrigins;
  if (origins === undefined) return undefined;
  const allowed = origins === '*' ? undefined : new Set(origins);
  return {
    origin: allowed ? (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)) : '*',
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };
}
