import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
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
