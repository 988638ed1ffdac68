import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { EventEntity } from '../../events/entities/event.entity';
import { ChaosAction, WebhookChaos } from '../../simulation/webhook-chaos';
import { queryRows } from '../sql-rows';
import { Batcher } from '../../common/batcher';
import { WebhookResponse } from './webhook-http-client';

/** What signing needs to know about an endpoint. */
export interface SigningEndpoint {
  id: string;
  url: string;
  status: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** A pending delivery this process has leased for one attempt, with what it needs to send it. */
export interface DeliveryClaim {
  id: string;
  attemptCount: number;
  event: EventEntity;
  endpoint: SigningEndpoint;
  /** The endpoint's webhook chaos settings (null = off). */
  chaos: WebhookChaos | null;
}

/** A claim by id: the leased delivery, or how long until the lease someone else holds ends (ms, may be ≤ 0; null: not pending). */
export type ClaimResult = { claim: DeliveryClaim } | { waitMs: number | null };

/** One attempt's row and the delivery's new state, as `record` writes them. */
export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  status: 'succeeded' | 'pending' | 'failed';
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** Wall-clock wait before the next attempt (status pending), else null. */
  delayMs: number | null;
  /** The retry's due time on the merchant clock (status pending), else null. */
  retryDueAt: Date | null;
  chaos: ChaosAction | null;
  /** The endpoint answered 410 Gone: it is disabled in the same statement. */
  goneEndpointId: string | null;
  /** performance.now() when the attempt ended: a batched row still gets its own attempted_at. */
  endedAt: number;
}

/** Extra lease time beyond the HTTP timeout, so nobody else claims a row we are still attempting. */
const LEASE_MARGIN_MS = 2_000;
/** A queued job may fire slightly before the row's next_attempt_at (clock rounding): still claim it. */
const EARLY_TOLERANCE_MS = 1_000;
/** Rows per claim or record statement, and statements of each kind at once (the rest wait and go together). */
const MAX_BATCH = 200;
const MAX_STATEMENTS_IN_FLIGHT = 2;

interface ClaimRow {
  id: string;
  attempt_count: number;
  event_id: string;
  merchant_id: string;
  type: string;
  payment_id: string | null;
  refund_id: string | null;
  sequence: number | null;
  data: Record<string, unknown>;
  event_created_at: Date;
  endpoint_id: string;
  url: string;
  endpoint_status: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  chaos: WebhookChaos | null;
}

/** The rows of `claimed` (a CTE that leased delivery rows) with their event and endpoint, loaded in the same statement. */
const CLAIM_COLUMNS = `c.id, c.attempt_count,
         e.id AS event_id, e.merchant_id, e.type, e.payment_id, e.refund_id, e.sequence, e.data, e.created_at AS event_created_at,
         w.id AS endpoint_id, w.url, w.status AS endpoint_status, w.secret, w.previous_secret, w.previous_secret_expires_at, w.chaos`;
const FROM_CLAIMED = `FROM claimed c
    JOIN events e ON e.id = c.event_id
    JOIN webhook_endpoints w ON w.id = c.endpoint_id`;
/** NULLs for every claim column after the id (rows that were not claimed). */
const NO_CLAIM_COLUMNS = CLAIM_COLUMNS.split(',')
  .slice(1)
  .map(() => 'NULL')
  .join(', ');

function toClaim(row: ClaimRow): DeliveryClaim {
  return {
    id: row.id,
    attemptCount: row.attempt_count,
    event: {
      id: row.event_id,
      merchantId: row.merchant_id,
      type: row.type,
      paymentId: row.payment_id,
      refundId: row.refund_id,
      sequence: row.sequence,
      data: row.data,
      createdAt: row.event_created_at,
    },
    endpoint: {
      id: row.endpoint_id,
      url: row.url,
      status: row.endpoint_status,
      secret: row.secret,
      previousSecret: row.previous_secret,
      previousSecretExpiresAt: row.previous_secret_expires_at,
    },
    chaos: row.chaos,
  };
}

/**
 * The delivery rows' SQL. Claims by id and attempt records are batched: the attempts running at
 * the same time share one claim statement and one record statement, instead of two round trips
 * per delivery. Every row keeps the lease semantics of a claim of its own.
 */
@Injectable()
export class DeliveryStore {
  private readonly claims = new Batcher<string, ClaimResult>((ids) => this.claimByIds(ids), {
    maxBatch: MAX_BATCH,
    maxInFlight: MAX_STATEMENTS_IN_FLIGHT,
  });
  private readonly records = new Batcher<AttemptRecord, void>((records) => this.recordMany(records), {
    maxBatch: MAX_BATCH,
    maxInFlight: MAX_STATEMENTS_IN_FLIGHT,
  });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  get leaseMs(): number {
    return this.config.webhookTimeoutMs + LEASE_MARGIN_MS;
  }

  /** Claims one delivery by id (BullMQ job), batched with the claims of other jobs. */
  claim(deliveryId: string): Promise<ClaimResult> {
    return this.claims.submit(deliveryId);
  }

  /**
   * One statement leasing every given delivery that is pending and not leased, and telling for
   * the others how long their lease still runs (null: no longer pending). The result follows
   * `ids`; an id asked twice is claimed once (the second ask sees the new lease).
   */
  async claimByIds(ids: string[]): Promise<ClaimResult[]> {
    const rows = await queryRows<ClaimRow & { wait_ms: number | null; claimed: boolean }>(
      this.db.manager,
      `WITH claimed AS (
         UPDATE webhook_deliveries
            SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000), retry_due_at = NULL, updated_at = now()
          WHERE id = ANY($1::text[]) AND status = 'pending'
            AND (next_attempt_at IS NULL OR next_attempt_at <= now() + make_interval(secs => $3::float8 / 1000))
          RETURNING id, event_id, endpoint_id, attempt_count
       )
       SELECT true AS claimed, NULL::float8 AS wait_ms, ${CLAIM_COLUMNS} ${FROM_CLAIMED}
       UNION ALL
       SELECT false, ceil(extract(epoch FROM (d.next_attempt_at - now())) * 1000)::float8, d.id, ${NO_CLAIM_COLUMNS}
         FROM webhook_deliveries d
        WHERE d.id = ANY($1::text[]) AND d.status = 'pending' AND d.id NOT IN (SELECT id FROM claimed)`,
      [ids, this.leaseMs, EARLY_TOLERANCE_MS],
    );
    const claimed = new Map<string, ClaimResult>();
    const leased = new Map<string, number | null>();
    for (const row of rows) {
      if (row.claimed) claimed.set(row.id, { claim: toClaim(row) });
      else leased.set(row.id, row.wait_ms);
    }
    return ids.map((id) => {
      const result = claimed.get(id);
      if (result) {
        claimed.delete(id);
        leased.set(id, this.leaseMs);
        return result;
      }
      return { waitMs: leased.get(id) ?? null };
    });
  }

  /** Claims up to `limit` due deliveries (in-process poller); SKIP LOCKED keeps pollers off each other's rows. */
  async claimDue(limit: number): Promise<DeliveryClaim[]> {
    const rows = await queryRows<ClaimRow>(
      this.db.manager,
      `WITH due AS (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_deliveries d
            SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000), retry_due_at = NULL, updated_at = now()
           FROM due WHERE d.id = due.id
         RETURNING d.id, d.event_id, d.endpoint_id, d.attempt_count
       )
       SELECT ${CLAIM_COLUMNS} ${FROM_CLAIMED}`,
      [limit, this.leaseMs],
    );
    return rows.map(toClaim);
  }

  /** Records one attempt, batched with the attempts that end at the same time. */
  record(record: AttemptRecord): Promise<void> {
    return this.records.submit(record);
  }

  /**
   * One statement for many attempts: their attempt rows, each delivery's new state, and the
   * endpoints that answered 410 disabled. Rows go in delivery-id order, so concurrent batches
   * lock in the same order.
   */
  async recordMany(records: AttemptRecord[]): Promise<void[]> {
    const sorted = [...records].sort((a, b) => (a.deliveryId < b.deliveryId ? -1 : a.deliveryId > b.deliveryId ? 1 : 0));
    const now = performance.now();
    const column = <T>(pick: (record: AttemptRecord) => T) => sorted.map(pick);
    await this.db.query(
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[],
                              $8::float8[], $9::timestamptz[], $10::text[], $11::text[], $12::float8[])
           AS r (delivery_id, attempt, response_status, duration_ms, error, response_body, status,
                 delay_ms, retry_due_at, chaos, gone_endpoint_id, age_ms)
       ), attempt AS (
         INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, response_status, duration_ms, error, response_body, chaos)
         SELECT delivery_id, attempt, now() - make_interval(secs => (duration_ms + age_ms) / 1000), response_status, duration_ms,
                error, response_body, chaos
           FROM r
       ), endpoint AS (
         UPDATE webhook_endpoints SET status = 'disabled', updated_at = now()
          WHERE id IN (SELECT gone_endpoint_id FROM r WHERE gone_endpoint_id IS NOT NULL)
       )
       UPDATE webhook_deliveries d
          SET attempt_count = r.attempt, status = r.status, updated_at = now(), retry_due_at = r.retry_due_at,
              next_attempt_at = CASE WHEN r.delay_ms IS NULL THEN NULL ELSE now() + make_interval(secs => r.delay_ms / 1000) END
         FROM r
        WHERE d.id = r.delivery_id`,
      [
        column((r) => r.deliveryId),
        column((r) => r.attempt),
        column((r) => r.responseStatus),
        column((r) => r.durationMs),
        column((r) => r.error),
        column((r) => cleanText(r.responseBody)),
        column((r) => r.status),
        column((r) => r.delayMs),
        column((r) => r.retryDueAt),
        column((r) => r.chaos),
        column((r) => r.goneEndpointId),
        column((r) => Math.max(0, Math.round(now - r.endedAt))),
      ],
    );
    return records.map(() => undefined);
  }

  /** The endpoint is no longer enabled: the delivery fails without an attempt. */
  async markFailed(deliveryId: string): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = now() WHERE id = $1`, [deliveryId]);
  }

  /** Pushes the lease `ms` ahead (chaos delay: nobody else may claim the row while it waits). */
  async extendLease(deliveryId: string, ms: number): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000) WHERE id = $1`, [
      deliveryId,
      ms,
    ]);
  }

  /** A chaos extra copy's attempt row; it never changes the delivery's state. */
  async recordCopy(deliveryId: string, attempt: number, response: WebhookResponse, chaos: ChaosAction): Promise<void> {
    await this.db.query(
      `INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, response_status, duration_ms, error, response_body, chaos)
       VALUES ($1, $2, now() - make_interval(secs => $4::float8 / 1000), $3, $4, $5, $6, $7)`,
      [deliveryId, attempt, response.status, response.durationMs, response.error, cleanText(response.body), chaos],
    );
  }
}

/** Postgres text cannot hold NUL bytes. */
function cleanText(value: string | null): string | null {
  return value === null ? null : value.replace(/\u0000/g, '');
}
