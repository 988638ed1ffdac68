import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../auth/current-actor.decorator';

/** The route template Fastify matched (`/v1/payments/:id`), never the concrete path; `unmatched` for 404s. */
export function routeTemplate(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}

/** One line per finished request: id, merchant, method, route, path (no query string), status, duration. */
export function logRequest(logger: Logger, request: FastifyRequest, reply: FastifyReply): void {
  const status = reply.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      request_id: request.id,
      merchant_id: (request as unknown as AuthenticatedRequest).actor?.merchantId ?? null,
      method: request.method,
      route: routeTemplate(request),
      path: request.url.split('?')[0],
      status,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    },
    'request completed',
  );
}
