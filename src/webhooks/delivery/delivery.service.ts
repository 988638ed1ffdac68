import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClockService } from '../../clock/clock.service';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { toEventView } from '../../events/dto/event.view';
import { EventEntity } from '../../events/entities/event.entity';
import { queryRows } from '../sql-rows';
import { postWebhook, WebhookResponse } from './webhook-http-client';
import { signatureHeader } from './webhook-signature';

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
}

export type AttemptOutcome =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped' };

/** Extra lease time beyond the HTTP timeout, so nobody else claims a row we are still attempting. */
const LEASE_MARGIN_MS = 2_000;
/** A queued job may fire slightly before the row's next_attempt_at (clock rounding): still claim it. */
const EARLY_TOLERANCE_MS = 1_000;
const LEASE_RECHECK_SLACK_MS = 50;
const GONE = 410;

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
}

/** Leases the rows of `claimed` (a CTE returning delivery ids) and loads their event and endpoint in the same statement. */
const WITH_EVENT_AND_ENDPOINT = `
  SELECT c.id, c.attempt_count,
         e.id AS event_id, e.merchant_id, e.type, e.payment_id, e.refund_id, e.sequence, e.data, e.created_at AS event_created_at,
         w.id AS endpoint_id, w.url, w.status AS endpoint_status, w.secret, w.previous_secret, w.previous_secret_expires_at
    FROM claimed c
    JOIN events e ON e.id = c.event_id
    JOIN webhook_endpoints w ON w.id = c.endpoint_id`;

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
  };
}

/**
 * One attempt of one delivery, shared by both schedulers: claim (a short lease on the row, one
 * statement), sign, POST outside any transaction, then record the attempt and the decision
 * (succeeded / retry / failed; 410 also disables the endpoint) in one more statement.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly clock: ClockService,
    private readonly metrics: MetricsService,
  ) {}

  private get leaseMs(): number {
    return this.config.webhookTimeoutMs + LEASE_MARGIN_MS;
  }

  /** Claims one delivery by id (BullMQ job); undefined when it is not pending or someone else holds it. */
  async claimOne(deliveryId: string): Promise<DeliveryClaim | undefined> {
    const [row] = await queryRows<ClaimRow>(
      this.db.manager,
      `WITH claimed AS (
         UPDATE webhook_deliveries
            SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000), retry_due_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'pending'
            AND (next_attempt_at IS NULL OR next_attempt_at <= now() + make_interval(secs => $3::float8 / 1000))
          RETURNING id, event_id, endpoint_id, attempt_count
       )${WITH_EVENT_AND_ENDPOINT}`,
      [deliveryId, this.leaseMs, EARLY_TOLERANCE_MS],
    );
    return row ? toClaim(row) : undefined;
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
       )${WITH_EVENT_AND_ENDPOINT}`,
      [limit, this.leaseMs],
    );
    return rows.map(toClaim);
  }

  /**
   * claimOne + deliver: what a BullMQ job runs. A row still leased by another attempt (e.g. one
   * a crashed worker started) answers `retry` for when that lease ends, so the job comes back then.
   */
  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const claim = await this.claimOne(deliveryId);
    if (claim) return this.deliver(claim);
    const [row] = await queryRows<{ wait_ms: number | null }>(
      this.db.manager,
      `SELECT ceil(extract(epoch FROM (next_attempt_at - now())) * 1000)::float8 AS wait_ms
         FROM webhook_deliveries WHERE id = $1 AND status = 'pending'`,
      [deliveryId],
    );
    if (!row || row.wait_ms === null) return { kind: 'skipped' };
    return { kind: 'retry', delayMs: Math.max(row.wait_ms, 0) + LEASE_RECHECK_SLACK_MS };
  }

  async deliver(claim: DeliveryClaim): Promise<AttemptOutcome> {
    if (claim.endpoint.status !== 'enabled') {
      await this.db.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, updated_at = now() WHERE id = $1`, [claim.id]);
      const outcome: AttemptOutcome = { kind: 'failed', reason: 'endpoint disabled' };
      this.observe(claim, outcome);
      return outcome;
    }
    const response = await this.send(claim.event, claim.endpoint);
    return this.record(claim, response);
  }

  private async send(event: EventEntity, endpoint: SigningEndpoint): Promise<WebhookResponse> {
    const body = JSON.stringify(toEventView(event));
    // webhook-timestamp is wall time (receivers check it against their own clock); the secret overlap is merchant time.
    const secrets = signingSecrets(endpoint, await this.clock.now(event.merchantId));
    const timestamp = Math.floor(Date.now() / 1000);
    return postWebhook({
      url: endpoint.url,
      body,
      timeoutMs: this.config.webhookTimeoutMs,
      blockPrivate: this.config.webhookBlockPrivateUrls,
      headers: {
        'user-agent': 'PaymentSandbox-Webhooks/1.0',
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, event.id, timestamp, body),
      },
    });
  }

  /** The attempt row, the delivery's new state and (on 410) the endpoint's, in one atomic statement. */
  private async record(claim: DeliveryClaim, response: WebhookResponse): Promise<AttemptOutcome> {
    const attempt = claim.attemptCount + 1;
    const outcome = this.decide(attempt, response);
    const status = outcome.kind === 'succeeded' ? 'succeeded' : outcome.kind === 'retry' ? 'pending' : 'failed';
    const delayMs = outcome.kind === 'retry' ? outcome.delayMs : null;
    const retryDueAt = delayMs === null ? null : new Date((await this.clock.now(claim.event.merchantId)).getTime() + delayMs);
    const gone = response.status === GONE;
    await this.db.query(
      `WITH attempt AS (
         INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, response_status, duration_ms, error, response_body)
         VALUES ($1, $2, now() - make_interval(secs => $4::float8 / 1000), $3, $4, $5, $6)
       ), endpoint AS (
         UPDATE webhook_endpoints SET status = 'disabled', updated_at = now() WHERE id = $9 AND $10::boolean
       )
       UPDATE webhook_deliveries
          SET attempt_count = $2, status = $7, updated_at = now(), retry_due_at = $11,
              next_attempt_at = CASE WHEN $8::float8 IS NULL THEN NULL ELSE now() + make_interval(secs => $8::float8 / 1000) END
        WHERE id = $1`,
      [claim.id, attempt, response.status, response.durationMs, response.error, cleanText(response.body), status, delayMs, claim.endpoint.id, gone, retryDueAt],
    );
    if (gone) this.logger.warn(`Webhook endpoint ${claim.endpoint.id} answered 410 Gone: disabled`);
    this.observe(claim, outcome);
    return outcome;
  }

  /**
   * The merchant's clock jumped to `now`: every retry of its deliveries now waits only what is left
   * of its wait on the merchant clock (wall-clock dispatch time moved earlier). Returns the
   * deliveries whose retry is due at once. Leased rows (an attempt in flight) have no retry_due_at.
   */
  async pullRetries(manager: EntityManager, merchantId: string, now: Date): Promise<string[]> {
    const rows = await queryRows<{ id: string; due: boolean }>(
      manager,
      `UPDATE webhook_deliveries
          SET next_attempt_at = LEAST(next_attempt_at, now() + GREATEST(retry_due_at - $2::timestamptz, interval '0'))
        WHERE merchant_id = $1 AND status = 'pending' AND retry_due_at IS NOT NULL
        RETURNING id, retry_due_at <= $2::timestamptz AS due`,
      [merchantId, now],
    );
    return rows.filter((row) => row.due).map((row) => row.id);
  }

  private observe(claim: DeliveryClaim, outcome: AttemptOutcome): void {
    this.metrics.webhookDeliveries.inc({ outcome: outcome.kind });
    if (outcome.kind === 'succeeded') {
      // Wall time since the event was recorded (its created_at is merchant time: clamp when that clock is ahead).
      this.metrics.webhookLag.observe(Math.max(0, Date.now() - claim.event.createdAt.getTime()) / 1000);
    }
  }

  private decide(attempt: number, response: WebhookResponse): AttemptOutcome {
    const status = response.status;
    if (status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
    if (status === GONE) return { kind: 'failed', reason: 'endpoint answered 410 Gone' };
    const schedule = this.config.webhookRetryScheduleMs;
    if (attempt > schedule.length) return { kind: 'failed', reason: 'retry schedule exhausted' };
    return { kind: 'retry', delayMs: schedule[attempt - 1] };
  }
}

/** The current secret, plus the previous one while its 24 h overlap lasts. */
export function signingSecrets(endpoint: SigningEndpoint, now: Date): string[] {
  const overlap = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return overlap ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

/** Postgres text cannot hold NUL bytes. */
function cleanText(value: string | null): string | null {
  return value === null ? null : value.replace(/\u0000/g, '');
}
