import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppConfig } from '../config/app-config';
import { DomainError } from './errors/domain-error';

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

/**
 * A browser request from an origin CORS does not allow is refused up front (403, nothing runs,
 * nothing is stored), preflight included. Requests without Origin (curl, SDKs, servers) and
 * same-origin ones (Swagger UI at /docs) always pass.
 */
export function crossOriginGuard(config: AppConfig) {
  const origins = config.corsOrigins;
  const allowed = new Set(origins === '*' ? [] : (origins ?? []));
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const origin = request.headers.origin;
    if (origins === '*' || origin === undefined || allowed.has(origin) || isSameOrigin(origin, request.headers.host)) return done();
    done(
      new DomainError(
        'origin_not_allowed',
        `Requests from the origin ${origin.slice(0, 200)} are not allowed: add it to CORS_ORIGINS (a comma list, or *).`,
        'Origin',
      ),
    );
  };
}

function isSameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
