import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './errors/domain-error';
import { coerceFormNumbers, isFormBody } from './form-body';

interface Leaf {
  path: string;
  error: ValidationError;
}

function firstLeaf(error: ValidationError, parent = ''): Leaf {
  const path = parent ? `${parent}.${error.property}` : error.property;
  if (error.constraints && Object.keys(error.constraints).length > 0) return { path, error };
  const child = error.children?.[0];
  return child ? firstLeaf(child, path) : { path, error };
}

function toDomainError(errors: ValidationError[]): DomainError {
  const { path, error } = firstLeaf(errors[0]);
  // The type check explains better than "nested property must be an object" (added last by class-validator).
  const { nestedValidation, ...typed } = error.constraints ?? {};
  const constraints = Object.keys(typed).length > 0 ? typed : { ...(nestedValidation ? { nestedValidation } : {}) };
  if (constraints.whitelistValidation) {
    return new DomainError('parameter_unknown', `Received unknown parameter: ${path}`, path);
  }
  const missing = error.value === undefined || error.value === null;
  // Constraints are listed bottom decorator first; the top one (usually the type check) explains best.
  const message = missing ? `Missing required parameter: ${path}` : (Object.values(constraints).at(-1) ?? `Invalid value for ${path}`);
  return new DomainError(missing ? 'parameter_missing' : 'parameter_invalid', message, path);
}

/** A form-encoded body gets its numbers from the schema first; then the same validation as JSON. */
class FormAwareValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const input = metadata.type === 'body' && metadata.metatype && isFormBody(value) ? coerceFormNumbers(value, metadata.metatype) : value;
    return super.transform(input, metadata);
  }
}

/**
 * The global pipe: unknown fields are rejected (no mass assignment), nothing is coerced
 * implicitly, and the first failure becomes one error naming its dotted `param`.
 */
export function createValidationPipe(): ValidationPipe {
  return new FormAwareValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: true },
    exceptionFactory: toDomainError,
  });
}
