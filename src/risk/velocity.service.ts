import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CteStatement } from '../database/cte-statement';

export interface VelocityKeys {
  /** HMAC/SHA-256 fingerprint of the card number (never the number itself). */
  cardFingerprint: string;
  ip: string | null;
  email: string | null;
}

export interface VelocityCounts {
  charges_per_card_hourly: number;
  charges_per_card_daily: number;
  charges_per_ip_hourly: number;
  charges_per_email_daily: number;
  declines_per_card_hourly: number;
}

type Dimension = 'card' | 'ip' | 'email' | 'card_declines';
type WindowKind = 'hour' | 'day';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start of the fixed UTC hour/day window of the merchant clock that `now` falls in. */
export function windowStart(now: Date, kind: WindowKind): Date {
  const size = kind === 'hour' ? HOUR_MS : DAY_MS;
  return new Date(Math.floor(now.getTime() / size) * size);
}

/** A card's fingerprint: per merchant (like a Stripe account's), stable across processes. */
export function cardFingerprint(merchantId: string, cardNumber: string): string {
  return createHmac('sha256', `card-fingerprint:${merchantId}`).update(cardNumber).digest('hex');
}

function hashKey(kind: string, value: string): string {
  return createHmac('sha256', `velocity:${kind}`).update(value.toLowerCase()).digest('hex');
}

interface Bump {
  dimension: Dimension;
  key: string;
  window: WindowKind;
}

/**
 * Velocity counters over fixed hour/day windows of the merchant clock. A payment bumps its counters
 * with one atomic upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent creates each
 * see an exact, distinct count that includes themselves.
 */
@Injectable()
export class VelocityService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async count(merchantId: string, keys: VelocityKeys, now: Date): Promise<VelocityCounts> {
    const bumps: Bump[] = [
      { dimension: 'card', key: keys.cardFingerprint, window: 'hour' },
      { dimension: 'card', key: keys.cardFingerprint, window: 'day' },
      ...(keys.ip ? [{ dimension: 'ip' as const, key: hashKey('ip', keys.ip), window: 'hour' as const }] : []),
      ...(keys.email ? [{ dimension: 'email' as const, key: hashKey('email', keys.email), window: 'day' as const }] : []),
    ];
    const rows: Array<{ dimension: Dimension; window_kind: WindowKind; count: number }> = await this.db.query(
      `WITH bumped AS (
         INSERT INTO risk_velocity_counters AS c (merchant_id, dimension, key_hash, window_kind, window_start, count)
         SELECT $1, b.dimension, b.key_hash, b.window_kind, b.window_start, 1
           FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS b (dimension, key_hash, window_kind, window_start)
         ON CONFLICT ON CONSTRAINT risk_velocity_counters_pk DO UPDATE SET count = c.count + 1
         RETURNING dimension, window_kind, count
       )
       SELECT dimension, window_kind, count FROM bumped
       UNION ALL
       SELECT dimension, window_kind, count FROM risk_velocity_counters
        WHERE merchant_id = $1 AND dimension = 'card_declines' AND key_hash = $6 AND window_kind = 'hour' AND window_start = $7`,
      [
        merchantId,
        bumps.map((bump) => bump.dimension),
        bumps.map((bump) => bump.key),
        bumps.map((bump) => bump.window),
        bumps.map((bump) => windowStart(now, bump.window)),
        keys.cardFingerprint,
        windowStart(now, 'hour'),
      ],
    );
    const get = (dimension: Dimension, window: WindowKind) => rows.find((row) => row.dimension === dimension && row.window_kind === window)?.count ?? 0;
    return {
      charges_per_card_hourly: get('card', 'hour'),
      charges_per_card_daily: get('card', 'day'),
      charges_per_ip_hourly: get('ip', 'hour'),
      charges_per_email_daily: get('email', 'day'),
      declines_per_card_hourly: get('card_declines', 'hour'),
    };
  }

  /** Adds "one more decline on this card this hour" to a payment-creation statement. */
  appendDecline(statement: CteStatement, merchantId: string, fingerprint: string, now: Date): void {
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'risk_decline',
      `INSERT INTO risk_velocity_counters AS c (merchant_id, dimension, key_hash, window_kind, window_start, count)
       VALUES (${p(merchantId)}, 'card_declines', ${p(fingerprint)}, 'hour', ${p(windowStart(now, 'hour'))}, 1)
       ON CONFLICT ON CONSTRAINT risk_velocity_counters_pk DO UPDATE SET count = c.count + 1`,
    );
  }
}
