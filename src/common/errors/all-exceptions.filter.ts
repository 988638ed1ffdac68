import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response';

/** The one global exception filter: every error leaves the API in the documented shape. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = toErrorResponse(exception, String(request.id));
    if ((status === 429 || status === 503) && !reply.getHeader('retry-after')) reply.header('Retry-After', '1');
    // Explicit type: a route may have set another one (@Header) before it threw.
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
