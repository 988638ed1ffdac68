import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { parse } from 'qs';
import { DomainError } from './errors/domain-error';

/** Bracket notation deeper than this (a[b][c][d][e][f][g]) is refused; the deepest schema uses 2. */
export const MAX_FORM_DEPTH = 5;
/** More key=value pairs than this is refused (the largest request schema has far fewer). */
export const MAX_FORM_PARAMETERS = 1_000;

// Where class-transformer keeps @Type metadata (its package exports no typed path to it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: MetadataStorage };

const FORM_BODY = Symbol('form-encoded body');

type Plain = Record<string, unknown>;

/**
 * Parses an application/x-www-form-urlencoded body with Stripe's bracket notation
 * (`metadata[order_id]=7&payment_method[card][number]=4242...`) into the object a JSON body would
 * be, with every value a string; the validation pipe then turns strings into numbers where the
 * schema says number (see coerceFormNumbers). Too deep or too many parameters → 400.
 */
export function parseFormBody(text: string): Plain {
  let parsed: Plain;
  try {
    parsed = parse(text, {
      depth: MAX_FORM_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_FORM_PARAMETERS,
      throwOnLimitExceeded: true,
      allowPrototypes: false,
      allowDots: false,
      comma: false,
      arrayLimit: 100,
    }) as Plain;
  } catch (error) {
    throw new DomainError('parameter_invalid', formLimitMessage(error as Error));
  }
  Object.defineProperty(parsed, FORM_BODY, { value: true, enumerable: false });
  return parsed;
}

function formLimitMessage(error: Error): string {
  if (/depth/i.test(error.message)) {
    return `The form body nests brackets more than ${MAX_FORM_DEPTH} levels deep.`;
  }
  if (/parameter/i.test(error.message)) return `The form body has more than ${MAX_FORM_PARAMETERS} parameters.`;
  return `The form body could not be parsed: ${error.message}`;
}

/** Parses a query string with the same bracket notation (`created[gte]=...&metadata[k]=v`); never throws. */
export function parseQueryString(text: string): Plain {
  // Deeper brackets stay a literal key (then refused as an unknown parameter); extra pairs are dropped.
  return parse(text, { depth: MAX_FORM_DEPTH, parameterLimit: MAX_FORM_PARAMETERS, allowPrototypes: false, arrayLimit: 100 }) as Plain;
}

export function isFormBody(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && (value as { [FORM_BODY]?: boolean })[FORM_BODY] === true;
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * Form values are text: where the DTO's property is a number, a numeric string becomes that
 * number (nested DTOs by their @Type). Anything else is left as it is, so `amount=abc` fails
 * validation exactly like `"amount": "abc"` in JSON, naming the parameter.
 */
export function coerceFormNumbers(value: Plain, dto: Function): Plain {
  const out: Plain = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = coerceProperty(dto, key, child);
  }
  return out;
}

function coerceProperty(dto: Function, key: string, child: unknown): unknown {
  const designType = Reflect.getMetadata('design:type', dto.prototype, key) as unknown;
  if (typeof child === 'string' && designType === Number && NUMBER_TEXT.test(child)) return Number(child);
  const metadata = defaultMetadataStorage.findTypeMetadata(dto, key);
  // A discriminated property (payment_method by `type`) coerces by the subtype the body names.
  const discriminator = metadata?.options?.discriminator;
  const subType = discriminator && isPlainObject(child) ? discriminator.subTypes.find((candidate) => candidate.name === child[discriminator.property])?.value : undefined;
  const nested = subType ?? metadata?.typeFunction();
  if (typeof nested === 'function' && isPlainObject(child)) return coerceFormNumbers(child, nested as Function);
  return child;
}

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
