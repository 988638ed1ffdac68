import { ValidationOptions, ValidateBy } from 'class-validator';
import { isoAlpha2 } from './iso-country';

/** An assigned ISO 3166-1 alpha-2 code, any case. */
export function IsCountryCode(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCountryCode',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isoAlpha2(value) !== null,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 3166-1 alpha-2 country code such as DE`,
      },
    },
    options,
  );
}
