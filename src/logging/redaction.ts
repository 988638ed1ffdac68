/**
 * What must never reach a log line: credentials (API keys, webhook secrets, stream tokens, the
 * Authorization header) and card data (numbers, CVCs). Two layers: pino's `redact` for the known
 * field names, and `scrub` for the same things inside free text (messages, error strings, URLs).
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'secret',
  '*.secret',
  'previous_secret',
  '*.previous_secret',
  'api_key',
  '*.api_key',
  'token',
  '*.token',
  'number',
  '*.number',
  'card.number',
  '*.card.number',
  'payment_method.card.number',
  '*.payment_method.card.number',
  'cvc',
  '*.cvc',
  'card.cvc',
  '*.card.cvc',
  'payment_method.card.cvc',
  '*.payment_method.card.cvc',
];

export const REDACTED = '[REDACTED]';

const SECRET_PATTERNS: RegExp[] = [
  // API keys, webhook secrets, stream tokens — except the demo merchant's key in the start-up banner,
  // the one secret shown on purpose (the README quick start reads it there).
  /(?<!demo merchant key: )\b(sk_test_|whsec_|sst_)[A-Za-z0-9_\-+/=]+/g,
  /\bBearer\s+\S+/gi,
  /\b(?:\d[ -]?){12,18}\d\b/g, // card-number-like digit runs (13-19 digits, spaces or dashes allowed)
  /([?&](?:token|api_key)=)[^&\s"]+/gi,
];

/** Masks secrets and card numbers inside a string. */
export function scrubText(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, prefix?: string) => (typeof prefix === 'string' && /^[?&]/.test(prefix) ? `${prefix}${REDACTED}` : REDACTED));
  }
  return out;
}

const MAX_DEPTH = 8;

/** A copy of `value` with every string scrubbed (objects and arrays walked to a bounded depth). */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) return { type: value.name, message: scrubText(value.message), stack: value.stack ? scrubText(value.stack) : undefined };
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
}
