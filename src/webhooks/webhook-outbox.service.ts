import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CteStatement } from '../database/cte-statement';
import { DELIVERY_SCHEDULER, DeliveryScheduler } from './scheduling/delivery-scheduler';
import { ALL_EVENTS } from './webhook-event-types';

export interface OutboxEvent {
  id: string;
  type: string;
  paymentId: string | null;
  refundId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * A payment's events are numbered 1, 2, 3... in the order given (array order = transition order),
 * after the payment's last recorded event. Correct because every caller holds the payment's row
 * lock (or creates the payment in the same statement); events_payment_sequence_uq backs it.
 */
const NEXT_SEQUENCE = `CASE WHEN e.payment_id IS NULL THEN NULL ELSE
   coalesce((SELECT max(prior.sequence) FROM events prior WHERE prior.payment_id = e.payment_id), 0)
   + row_number() OVER (PARTITION BY e.payment_id ORDER BY e.ord) END`;

/** Selects the ids of the deliveries a statement built with `appendEvents` created. */
export const SELECT_DELIVERY_IDS = 'SELECT id FROM delivery';

/** The write side of the outbox: events and their delivery rows in the caller's statement or transaction, scheduling after commit. */
@Injectable()
export class WebhookOutboxService {
  constructor(@Inject(DELIVERY_SCHEDULER) private readonly scheduler: DeliveryScheduler) {}

  /**
   * Adds the events (in the given order: ids and per-payment `sequence` follow it) and one pending delivery per (event, enabled endpoint of the merchant subscribed
   * to its type) to `statement` (CTEs `event` and `delivery`). Delivery ids keep the event's time
   * part, so they stay time-ordered, and take 16 random hex digits (valid Crockford base-32).
   */
  appendEvents(statement: CteStatement, merchantId: string, events: OutboxEvent[]): void {
    const p = (value: unknown) => statement.param(value);
    const merchant = p(merchantId);
    statement
      .with(
        'event',
        `INSERT INTO events (id, merchant_id, type, payment_id, refund_id, data, created_at, sequence)
         SELECT e.id, ${merchant}, e.type, e.payment_id, e.refund_id, e.data::jsonb, e.created_at,
                ${NEXT_SEQUENCE}
           FROM unnest(${p(events.map((event) => event.id))}::text[], ${p(events.map((event) => event.type))}::text[],
                       ${p(events.map((event) => event.paymentId))}::text[], ${p(events.map((event) => event.refundId))}::text[],
                       ${p(events.map((event) => JSON.stringify(event.data)))}::text[], ${p(events.map((event) => event.createdAt))}::timestamptz[])
                WITH ORDINALITY AS e (id, type, payment_id, refund_id, data, created_at, ord)
         RETURNING id, type`,
      )
      .with(
        'delivery',
        `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, status, attempt_count, next_attempt_at)
         SELECT 'whd_' || substr(event.id, 5, 10) || upper(substr(md5(random()::text || event.id || endpoint.id), 1, 16)),
                ${merchant}, event.id, endpoint.id, 'pending', 0, now()
           FROM event
           JOIN webhook_endpoints endpoint
             ON endpoint.merchant_id = ${merchant} AND endpoint.status = 'enabled'
            AND ('${ALL_EVENTS}' = ANY (endpoint.enabled_events) OR event.type = ANY (endpoint.enabled_events))
         RETURNING id`,
      );
  }

  /** Inserts the events and their deliveries in one round trip; returns the delivery ids. */
  async insertEvents(manager: EntityManager, merchantId: string, events: OutboxEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const statement = new CteStatement();
    this.appendEvents(statement, merchantId, events);
    const rows: Array<{ id: string }> = await manager.query(...statement.build(SELECT_DELIVERY_IDS));
    return rows.map((row) => row.id);
  }

  /** Runs after commit; never throws (the scheduler logs, the sweeper/poller recovers). */
  schedule(deliveryIds: string[]): void {
    if (deliveryIds.length > 0) void this.scheduler.schedule(deliveryIds);
  }
}
