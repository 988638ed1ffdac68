import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service';
import { logRequest, routeTemplate } from './request-log';

/** One onResponse hook per request: the duration histogram (by route template) and the request log line. */
export function installHttpObservability(app: NestFastifyApplication, logger: Logger): void {
  const metrics = app.get(MetricsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.httpDuration.observe(
        { method: request.method, route: routeTemplate(request), status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      logRequest(logger, request, reply);
      done();
    });
}
