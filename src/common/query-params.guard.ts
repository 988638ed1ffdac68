import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DomainError } from './errors/domain-error';

interface RouteArg {
  index: number;
  data?: unknown;
}

/**
 * Unknown query parameters are 400 on every route. Routes that take a whole @Query() DTO are
 * checked by the validation pipe (whitelist); this guard covers the rest: a route with no @Query()
 * accepts no query parameter, one with @Query('name') only those names.
 */
@Injectable()
export class QueryParamsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const query = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>().query ?? {};
    const names = Object.keys(query);
    if (names.length === 0) return true;
    const allowed = allowedQueryNames(context);
    if (allowed === 'dto') return true;
    const unknown = names.find((name) => !allowed.has(name));
    if (unknown !== undefined) {
      throw new DomainError('parameter_unknown', `Received unknown parameter: ${unknown}`, unknown);
    }
    return true;
  }
}

function allowedQueryNames(context: ExecutionContext): 'dto' | Set<string> {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ?? {}) as Record<string, RouteArg>;
  const names = new Set<string>();
  for (const [key, arg] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.QUERY) continue;
    if (typeof arg.data !== 'string') return 'dto';
    names.add(arg.data);
  }
  return names;
}
