import { SetMetadata } from '@nestjs/common';

export const REDACT_ON_REPLAY_KEY = 'redact_on_replay';

/**
 * The route stays idempotent, but the named top-level response fields (a signing secret) are
 * stored as null: a replay answers them as null, so no secret sits in idempotency_keys.
 */
export const RedactOnReplay = (...fields: string[]) => SetMetadata(REDACT_ON_REPLAY_KEY, fields);

/** `body` with each of `fields` set to null (when present); other values unchanged. */
export function redactFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) if (field in copy) copy[field] = null;
  return copy;
}
