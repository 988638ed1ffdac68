import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { SIMULATE_HEADER } from './simulation-vocabulary';

/** Documents the Sandbox-Simulate header on a route with that route's vocabulary. */
export function ApiSimulateHeader(values: readonly string[]): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: SIMULATE_HEADER,
      required: false,
      description:
        `Same values as the body's simulate (the body wins when both are given), for tests that cannot change their payloads. ` +
        `Anything else (unknown value, odd characters, the header twice) → 400 parameter_invalid with param ${SIMULATE_HEADER}.`,
      schema: { type: 'string', enum: [...values], example: values[values.length - 1] },
    }),
  );
}

/**
 * The raw Sandbox-Simulate header value(s). A custom parameter decorator rather than `@Headers()`,
 * which @nestjs/swagger would document as a second, required, lower-case header.
 */
export const SimulateHeader = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | string[] | undefined =>
    context.switchToHttp().getRequest<FastifyRequest>().headers[SIMULATE_HEADER.toLowerCase()],
);
