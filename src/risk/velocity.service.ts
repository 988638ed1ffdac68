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

export interface CountRow {
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
 * its risk_velocity_keys row (locked by the first statement of the SQL function risk_velocity_count,
 * one round trip, in one global order, so no deadlock); its second statement, with a fresh snapshot,
 * then sees every earlier payment on the key and counts exactly. A count is O(1) amortised: the key row keeps a running
 * total and, per window, a cursor (now - window of the latest bump) with the number of events at or
 * before it; a bump only counts the events its cursor passes. When the clock of a request is behind
 * the key's (a request that read the clock before an advance), the window is counted row by row.
 */
@Injectable()
export class VelocityService {
  private readonly logger = new Logger(VelocityService.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Counts this payment (card, IP, e-mail): adds the CTE `risk_velocity_counted` (rows of
   * dimension, hourly, daily) to a statement; `countsOf` reads them (the windows' counts, this payment
   * included). With `onlyIf` (a SQL condition over the statement's other CTEs) nothing is counted
   * when it is false. One call of risk_velocity_count (migrations/1763819000300-risk-velocity-count-function.sql):
   * the key rows stay locked only while the server runs the statement, not across round trips.
   */
  appendCount(statement: CteStatement, merchantId: string, keys: VelocityKeys, now: Date, onlyIf?: string): void {
    const bumps: Bump[] = [
      { dimension: 'card' as const, key: keys.cardFingerprint },
      ...(keys.ip ? [{ dimension: 'ip' as const, key: hashKey('ip', keys.ip) }] : []),
      ...(keys.email ? [{ dimension: 'email' as const, key: hashKey('email', keys.email) }] : []),
    ].sort((a, b) => (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const p = (value: unknown) => statement.param(value);
    const args = [
      `${p(merchantId)}::text`,
      `${p(now)}::timestamptz`,
      `${p(new Date(now.getTime() - HOUR_MS))}::timestamptz`,
      `${p(new Date(now.getTime() - DAY_MS))}::timestamptz`,
      `${p(bumps.map((bump) => bump.dimension))}::text[]`,
      `${p(bumps.map((bump) => bump.key))}::text[]`,
      `${p(keys.cardFingerprint)}::text`,
    ];
    const count = `risk_velocity_count(${args.join(', ')})`;
    statement.with(
      'risk_velocity_counted',
      onlyIf === undefined
        ? `SELECT c.dimension, c.hourly, c.daily FROM ${count} AS c`
        : // The function in the target list under a one-time filter: it is not called at all when the condition is false.
          `SELECT (c).dimension, (c).hourly, (c).daily FROM (SELECT ${count} AS c WHERE ${onlyIf}) AS counted`,
    );
  }

  /** Counts this payment on its own (one round trip); a create counts it in the risk statement instead. */
  async count(merchantId: string, keys: VelocityKeys, now: Date): Promise<VelocityCounts> {
    const statement = new CteStatement();
    this.appendCount(statement, merchantId, keys, now);
    return this.countsOf(await this.db.query(...statement.build('SELECT * FROM risk_velocity_counted')));
  }

  /** The counts out of the rows of `risk_velocity_counted`. */
  countsOf(rows: CountRow[]): VelocityCounts {
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
