import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { EntityManager } from 'typeorm';
import { ClockService } from '../../clock/clock.service';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../metrics/metrics.service';
import { toEventView } from '../../events/dto/event.view';
import { queryRows } from '../sql-rows';
import { sleep } from '../../common/sleep';
import { ChaosAction, ChaosPlan, corruptSignature, planChaos } from '../../simulation/webhook-chaos';
import { DeliveryClaim, DeliveryStore, SigningEndpoint } from './delivery-store';
import { postWebhook, WebhookResponse } from './webhook-http-client';
import { signatureHeader } from './webhook-signature';

export type { DeliveryClaim, SigningEndpoint };

export type AttemptOutcome =
  | { kind: 'succeeded' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped' };

const LEASE_RECHECK_SLACK_MS = 50;
const GONE = 410;

/**
 * One attempt of one delivery, shared by both schedulers: claim (a short lease on the row), sign,
 * POST outside any transaction, then record the attempt and the decision (succeeded / retry /
 * failed; 410 also disables the endpoint) atomically. Claims and records of attempts running at
 * the same time share their statements (DeliveryStore).
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly store: DeliveryStore,
    private readonly config: AppConfig,
    private readonly clock: ClockService,
    private readonly metrics: MetricsService,
  ) {}

  /** Claims one delivery by id (BullMQ job); undefined when it is not pending or someone else holds it. */
  async claimOne(deliveryId: string): Promise<DeliveryClaim | undefined> {
    const result = await this.store.claim(deliveryId);
    return 'claim' in result ? result.claim : undefined;
  }

  /** Claims up to `limit` due deliveries (in-process poller); SKIP LOCKED keeps pollers off each other's rows. */
  claimDue(limit: number): Promise<DeliveryClaim[]> {
    return this.store.claimDue(limit);
  }

  /**
   * claimOne + deliver: what a BullMQ job runs. A row still leased by another attempt (e.g. one
   * a crashed worker started) answers `retry` for when that lease ends, so the job comes back then.
   */
  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const result = await this.store.claim(deliveryId);
    if ('claim' in result) return this.deliver(result.claim);
    if (result.waitMs === null) return { kind: 'skipped' };
    return { kind: 'retry', delayMs: Math.max(result.waitMs, 0) + LEASE_RECHECK_SLACK_MS };
  }

  async deliver(claim: DeliveryClaim): Promise<AttemptOutcome> {
    if (claim.endpoint.status !== 'enabled') {
      await this.store.markFailed(claim.id);
      const outcome: AttemptOutcome = { kind: 'failed', reason: 'endpoint disabled' };
      this.observe(claim, outcome);
      return outcome;
    }
    const plan = planChaos(claim.chaos, claim.id, claim.attemptCount + 1);
    if (plan?.drop) return this.record(claim, DROPPED, 'dropped');
    await this.hold(claim, plan);
    // Serialised once: the real attempt and any chaos copies send (and sign) these very bytes.
    const body = JSON.stringify(toEventView(claim.event));
    const response = await this.send(claim, body);
    const outcome = await this.record(claim, response, plan?.recorded ?? null);
    await this.sendExtraCopies(claim, body, plan);
    return outcome;
  }

  /** Chaos delay/reorder: the lease is extended first, so nobody else claims the row while it waits. */
  private async hold(claim: DeliveryClaim, plan: ChaosPlan | null): Promise<void> {
    if (!plan || plan.holdMs <= 0) return;
    await this.store.extendLease(claim.id, this.store.leaseMs + plan.holdMs);
    await sleep(plan.holdMs);
  }

  /** Chaos extra copies after the real attempt: their own attempt rows; they never change the delivery's state. */
  private async sendExtraCopies(claim: DeliveryClaim, body: string, plan: ChaosPlan | null): Promise<void> {
    const copies: ChaosAction[] = [...(plan?.duplicate ? ['duplicate' as const] : []), ...(plan?.badSignature ? ['bad_signature' as const] : [])];
    for (const copy of copies) {
      const response = await this.send(claim, body, copy === 'bad_signature');
      await this.store.recordCopy(claim.id, claim.attemptCount + 1, response, copy);
    }
  }

  private async send({ event, endpoint }: DeliveryClaim, body: string, badSignature = false): Promise<WebhookResponse> {
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
        'webhook-signature': signed(signatureHeader(secrets, event.id, timestamp, body), badSignature),
      },
    });
  }

  /** The attempt row, the delivery's new state and (on 410) the endpoint's, in one atomic statement (shared with other attempts). */
  private async record(claim: DeliveryClaim, response: WebhookResponse, chaos: ChaosAction | null = null): Promise<AttemptOutcome> {
    const endedAt = performance.now();
    const attempt = claim.attemptCount + 1;
    const outcome = this.decide(attempt, response);
    const delayMs = outcome.kind === 'retry' ? outcome.delayMs : null;
    const gone = response.status === GONE;
    await this.store.record({
      deliveryId: claim.id,
      attempt,
      status: outcome.kind === 'succeeded' ? 'succeeded' : outcome.kind === 'retry' ? 'pending' : 'failed',
      responseStatus: response.status,
      durationMs: response.durationMs,
      error: response.error,
      responseBody: response.body,
      delayMs,
      retryDueAt: delayMs === null ? null : new Date((await this.clock.now(claim.event.merchantId)).getTime() + delayMs),
      chaos,
      goneEndpointId: gone ? claim.endpoint.id : null,
      endedAt,
    });
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

/** A chaos-dropped attempt: never sent, recorded like a connection failure (retried on schedule). */
const DROPPED: WebhookResponse = { status: null, body: null, error: 'chaos: dropped (not sent)', durationMs: 0 };

function signed(header: string, corrupt: boolean): string {
  return corrupt ? corruptSignature(header) : header;
}
