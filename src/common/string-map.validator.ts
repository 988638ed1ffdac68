import { registerDecorator, ValidationOptions } from 'class-validator';

export interface StringMapLimits {
  maxKeys: number;
  maxKeyLength: number;
  maxValueLength: number;
}

function isStringMap(value: unknown, limits: StringMapLimits): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= limits.maxKeys &&
    entries.every(
      ([key, item]) =>
        key.length > 0 && key.length <= limits.maxKeyLength && typeof item === 'string' && item.length <= limits.maxValueLength,
    )
  );
}

/** A flat object of string keys to string values, within size limits (like Stripe metadata). */
export function IsStringMap(limits: StringMapLimits, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isStringMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be an object of at most ${limits.maxKeys} string keys (≤ ${limits.maxKeyLength} chars) to string values (≤ ${limits.maxValueLength} chars)`,
        ...options,
      },
      validator: { validate: (value: unknown) => isStringMap(value, limits) },
    });
}
