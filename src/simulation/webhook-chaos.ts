import { createHash } from 'node:crypto';

/** Per-endpoint webhook chaos settings (0 = off). Stored on the endpoint as JSON. */
export interface WebhookChaos {
  duplicate_percent: number;
  drop_first_attempts: number;
  reorder_window_ms: number;
  bad_signature_percent: number;
  extra_delay_ms: number;
  seed: number;
}

export const CHAOS_ACTIONS = ['dropped', 'delayed', 'reordered', 'duplicate', 'bad_signature'] as const;
export type ChaosAction = (typeof CHAOS_ACTIONS)[number];

/** What chaos does to one attempt of one delivery. */
export interface ChaosPlan {
  /** Not sent at all: recorded as a failed attempt (chaos "dropped") and retried on schedule. */
  drop: boolean;
  /** Wall-clock wait before sending: extra_delay_ms plus a share of reorder_window_ms. */
  holdMs: number;
  /** The chaos recorded on the real attempt row (dropped > reordered > delayed), or null. */
  recorded: ChaosAction | null;
  /** After the real attempt: an identical copy (same webhook-id, valid signature). */
  duplicate: boolean;
  /** After the real attempt: a copy whose signature does not verify. */
  badSignature: boolean;
}

/**
 * Deterministic draws in [0, 1) for (seed, delivery, attempt): SHA-256 of the three, read as
 * 32-bit words. The same endpoint seed replays the same chaos for the same delivery and attempt.
 */
export function chaosDraws(seed: number, deliveryId: string, attempt: number): number[] {
  const digest = createHash('sha256').update(`${seed}:${deliveryId}:${attempt}`).digest();
  return [0, 4, 8].map((offset) => digest.readUInt32BE(offset) / 2 ** 32);
}

export function planChaos(chaos: WebhookChaos | null, deliveryId: string, attempt: number): ChaosPlan | null {
  if (!chaos) return null;
  const [reorderDraw, duplicateDraw, badSignatureDraw] = chaosDraws(chaos.seed, deliveryId, attempt);
  if (attempt <= chaos.drop_first_attempts) {
    return { drop: true, holdMs: 0, recorded: 'dropped', duplicate: false, badSignature: false };
  }
  const reorderMs = Math.floor(reorderDraw * chaos.reorder_window_ms);
  const holdMs = chaos.extra_delay_ms + reorderMs;
  const recorded: ChaosAction | null = reorderMs > 0 ? 'reordered' : chaos.extra_delay_ms > 0 ? 'delayed' : null;
  return {
    drop: false,
    holdMs,
    recorded,
    duplicate: duplicateDraw * 100 < chaos.duplicate_percent,
    badSignature: badSignatureDraw * 100 < chaos.bad_signature_percent,
  };
}

/** A signature header that looks right and never verifies (the HMAC of a different payload). */
export function corruptSignature(header: string): string {
  return header
    .split(' ')
    .map((entry) => {
      const [version, signature] = entry.split(',');
      const bytes = Buffer.from(signature ?? '', 'base64');
      if (bytes.length) bytes[0] ^= 0xff;
      return `${version},${bytes.toString('base64')}`;
    })
    .join(' ');
}
