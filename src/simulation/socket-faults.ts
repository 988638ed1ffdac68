import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../common/actor';

/**
 * Fastify onSend hook: a request whose service armed a socket fault (connection_reset,
 * lost_response) is not answered; its connection is destroyed. Runs after the idempotency
 * interceptor stored the result, so a retry with the same key gets the committed object.
 */
export function destroyFaultedSocket(request: FastifyRequest, reply: FastifyReply): void {
  const actor = (request as FastifyRequest & { actor?: Actor }).actor;
  if (!actor?.socketFault) return;
  reply.raw.destroy();
  request.raw.socket?.destroy();
}
