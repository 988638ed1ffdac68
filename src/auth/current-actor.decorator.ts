import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Actor } from '../common/actor';

export interface AuthenticatedRequest {
  id: string;
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new Error('CurrentActor used on a route without API-key auth');
  return request.actor;
});
