import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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

type ChargeDimension = 'card' | 'ip' | 'email';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Keys swept per statement (each with its events). */
const SWEEP_BATCH = 1_000;

/** A card's fingerprint: per merchant (like a Stripe account's), stable across processes. */
export function cardFingerprint(merchantId: string, cardNumber: string): string {
  return createHmac('sha256', `card-fingerprint:${merchantId}`).update(cardNumber).digest('hex');
}

function hashKey(kind: string, value: string): string {
  return createHmac('sha256', `velocity:${kind}`).update(value.toLowerCase()).digest('hex');
}

interface Bump {
  dimension: ChargeDimension;
  key: string;
}

interface CountRow {
  dimension: ChargeDimension | 'card_declines';
  hourly: number;
  daily: number;
}

/** The merchant clock of the row's merchant in SQL ($1: the wall clock), as ClockService computes it. */
export const MERCHANT_NOW = (alias: string) =>
  `COALESCE((SELECT COALESCE(c.frozen_at, $1::timestamptz + c.offset_ms * interval '1 millisecond') FROM test_clocks c WHERE c.merchant_id = ${alias}.merchant_id), $1::timestamptz)`;

/**
 * Velocity over sliding windows of the merchant clock: a payment at `now` counts the charges in
 * (now - 1 h, now] and (now - 24 h, now], itself included (a payment at 10:59 and one at 11:01 are in
 * one hour; one exactly an hour old is not).
 *
 * Each counted payment is a row of risk_velocity_events. Concurrent creates on one key take turns on
 * its risk_velocity_keys row (locked by the first statement of a short transaction, in one global
 * order, so no deadlock); the second statement, with a fresh snapshot, then sees every earlier
 * payment on the key and counts exactly. A count is O(1) amortised: the key row keeps a running
 * total and, per window, a cursor (now - window of the latest bump) with the number of events at or
 * before it; a bump only counts the events its cursor passes. When the clock of a request is behind
 * the key's (a request that read the clock before an advance), the window is counted row by row.
 */
@Injectable()
export class VelocityService {
  private readonly logger = new Logger(VelocityService.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Counts this payment (card, IP, e-mail) and answers the windows' counts, this payment included. */
  async count(merchantId: string, keys: VelocityKeys, now: Date): Promise<VelocityCounts> {
    const bumps: Bump[] = [
      { dimension: 'card' as const, key: keys.cardFingerprint },
      ...(keys.ip ? [{ dimension: 'ip' as const, key: hashKey('ip', keys.ip) }] : []),
      ...(keys.email ? [{ dimension: 'email' as const, key: hashKey('email', keys.email) }] : []),
    ].sort((a, b) => (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const dimensions = bumps.map((bump) => bump.dimension);
    const hashes = bumps.map((bump) => bump.key);
    const hourCut = new Date(now.getTime() - HOUR_MS);
    const dayCut = new Date(now.getTime() - DAY_MS);
    const rows = await this.db.transaction(async (manager) => {
      await manager.query(
        `WITH keyed AS (
           INSERT INTO risk_velocity_keys AS k (merchant_id, dimension, key_hash, total, latest_at, hour_cursor, hour_expired, day_cursor, day_expired)
           SELECT $1::text, b.dimension, b.key_hash, 1, $2::timestamptz, $3::timestamptz, 0, $4::timestamptz, 0
             FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS b (dimension, key_hash, n)
            ORDER BY b.n
           ON CONFLICT ON CONSTRAINT risk_velocity_keys_pk DO UPDATE SET
             total = k.total + 1,
             latest_at = GREATEST(k.latest_at, EXCLUDED.latest_at),
             -- a payment at or before a cursor (its clock read before an advance) is already out of that window
             hour_expired = k.hour_expired + CASE WHEN EXCLUDED.latest_at <= k.hour_cursor THEN 1 ELSE 0 END,
             day_expired = k.day_expired + CASE WHEN EXCLUDED.latest_at <= k.day_cursor THEN 1 ELSE 0 END
         )
         INSERT INTO risk_velocity_events (merchant_id, dimension, key_hash, at)
         SELECT $1::text, b.dimension, b.key_hash, $2::timestamptz FROM unnest($5::text[], $6::text[]) AS b (dimension, key_hash)`,
        [merchantId, now, hourCut, dayCut, dimensions, hashes],
      );
      // A new statement: its snapshot has every payment committed on these keys before we got their locks.
      const windowCount = (cut: string) =>
        `(SELECT count(*)::int FROM risk_velocity_events e
           WHERE e.merchant_id = $1 AND e.dimension = a.dimension AND e.key_hash = a.key_hash AND e.at > ${cut} AND e.at <= $2)`;
      const passed = (cursor: string, cut: string) =>
        `(SELECT count(*) FROM risk_velocity_events e
           WHERE e.merchant_id = k.merchant_id AND e.dimension = k.dimension AND e.key_hash = k.key_hash AND e.at > k.${cursor} AND e.at <= ${cut})`;
      const result: CountRow[] = await manager.query(
        `WITH advanced AS (
           UPDATE risk_velocity_keys k SET
             hour_expired = k.hour_expired + CASE WHEN $3::timestamptz > k.hour_cursor THEN ${passed('hour_cursor', '$3')} ELSE 0 END,
             hour_cursor = GREATEST(k.hour_cursor, $3),
             day_expired = k.day_expired + CASE WHEN $4::timestamptz > k.day_cursor THEN ${passed('day_cursor', '$4')} ELSE 0 END,
             day_cursor = GREATEST(k.day_cursor, $4)
             FROM unnest($5::text[], $6::text[]) AS b (dimension, key_hash)
            WHERE k.merchant_id = $1 AND k.dimension = b.dimension AND k.key_hash = b.key_hash
           RETURNING k.dimension, k.key_hash, k.total, k.latest_at, k.hour_cursor, k.hour_expired, k.day_cursor, k.day_expired
         ), pruned AS (
           -- counted out of both windows (day_cursor <= hour_cursor): never read again
           DELETE FROM risk_velocity_events e USING advanced a
            WHERE e.merchant_id = $1 AND e.dimension = a.dimension AND e.key_hash = a.key_hash AND e.at <= a.day_cursor
         )
         SELECT a.dimension,
                CASE WHEN a.latest_at <= $2 AND a.hour_cursor = $3 THEN (a.total - a.hour_expired)::int ELSE ${windowCount('$3')} END AS hourly,
                CASE WHEN a.latest_at <= $2 AND a.day_cursor = $4 THEN (a.total - a.day_expired)::int ELSE ${windowCount('$4')} END AS daily
           FROM advanced a
         UNION ALL
         SELECT 'card_declines', count(*)::int, 0 FROM risk_velocity_events
          WHERE merchant_id = $1 AND dimension = 'card_declines' AND key_hash = $7 AND at > $3 AND at <= $2`,
        [merchantId, now, hourCut, dayCut, dimensions, hashes, keys.cardFingerprint],
      );
      return result;
    });
    const get = (dimension: CountRow['dimension'], window: 'hourly' | 'daily') => Number(rows.find((row) => row.dimension === dimension)?.[window] ?? 0);
    return {
      charges_per_card_hourly: get('card', 'hourly'),
      charges_per_card_daily: get('card', 'daily'),
      charges_per_ip_hourly: get('ip', 'hourly'),
      charges_per_email_daily: get('email', 'daily'),
      declines_per_card_hourly: get('card_declines', 'hourly'),
    };
  }

  /** Adds "one more failed payment on this card" to a payment-creation statement. */
  appendDecline(statement: CteStatement, merchantId: string, fingerprint: string, now: Date): void {
    const p = (value: unknown) => statement.param(value);
    statement.with(
      'risk_decline',
      `INSERT INTO risk_velocity_events (merchant_id, dimension, key_hash, at) VALUES (${p(merchantId)}, 'card_declines', ${p(fingerprint)}, ${p(now)})`,
    );
  }

  /** The same in the caller's transaction (a payment that failed once its 3-D Secure step ended). */
  async recordDecline(manager: EntityManager, merchantId: string, fingerprint: string, now: Date): Promise<void> {
    await manager.query(`INSERT INTO risk_velocity_events (merchant_id, dimension, key_hash, at) VALUES ($1, 'card_declines', $2, $3)`, [
      merchantId,
      fingerprint,
      now,
    ]);
  }

  /**
   * Deletes what no window can count any more, on each merchant's clock: keys whose newest payment
   * is more than a day old (with their events), and declines more than an hour old. Keys locked by a
   * create are skipped (never waits on one, so never deadlocks with one). Never throws.
   */
  async sweep(wallNow = new Date()): Promise<number> {
    try {
      const [keys] = (await this.db.query(
        `WITH victims AS (
           SELECT k.merchant_id, k.dimension, k.key_hash FROM risk_velocity_keys k
            WHERE k.latest_at <= ${MERCHANT_NOW('k')} - interval '1 day'
            LIMIT ${SWEEP_BATCH}
              FOR UPDATE SKIP LOCKED
         ), gone AS (
           DELETE FROM risk_velocity_keys k USING victims v
            WHERE k.merchant_id = v.merchant_id AND k.dimension = v.dimension AND k.key_hash = v.key_hash
           RETURNING k.merchant_id, k.dimension, k.key_hash
         ), events AS (
           DELETE FROM risk_velocity_events e USING gone g
            WHERE e.merchant_id = g.merchant_id AND e.dimension = g.dimension AND e.key_hash = g.key_hash
         )
         SELECT count(*)::int AS count FROM gone`,
        [wallNow],
      )) as Array<{ count: number }>;
      const [, declines] = (await this.db.query(
        `DELETE FROM risk_velocity_events e WHERE e.dimension = 'card_declines' AND e.at <= ${MERCHANT_NOW('e')} - interval '1 hour'`,
        [wallNow],
      )) as [unknown, number];
      return keys.count + declines;
    } catch (error) {
      this.logger.warn(`Velocity sweep failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
