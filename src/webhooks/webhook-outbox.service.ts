import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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

// One statement writes the events and one pending delivery per (event, enabled endpoint of the
// merchant subscribed to its type). Delivery ids keep the event's time part, so they stay
// time-ordered, and take 16 random hex digits (valid Crockford base-32) for the rest.
const INSERT_EVENTS_WITH_DELIVERIES = `
  WITH event AS (
    INSERT INTO events (id, merchant_id, type, payment_id, refund_id, data, created_at)
    SELECT e.id, $1, e.type, e.payment_id, e.refund_id, e.data::jsonb, e.created_at
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
           AS e (id, type, payment_id, refund_id, data, created_at)
    RETURNING id, type
  )
  INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, status, attempt_count, next_attempt_at)
  SELECT 'whd_' || substr(event.id, 5, 10) || upper(substr(md5(random()::text || event.id || endpoint.id), 1, 16)),
         $1, event.id, endpoint.id, 'pending', 0, now()
    FROM event
    JOIN webhook_endpoints endpoint
      ON endpoint.merchant_id = $1 AND endpoint.status = 'enabled'
     AND ('${ALL_EVENTS}' = ANY (endpoint.enabled_events) OR event.type = ANY (endpoint.enabled_events))
  RETURNING id`;

/** The write side of the outbox: events and their delivery rows inside the caller's transaction, scheduling after commit. */
@Injectable()
export class WebhookOutboxService {
  constructor(@Inject(DELIVERY_SCHEDULER) private readonly scheduler: DeliveryScheduler) {}

  /** Inserts the events and their deliveries in one round trip; returns the delivery ids. */
  async insertEvents(manager: EntityManager, merchantId: string, events: OutboxEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const rows: Array<{ id: string }> = await manager.query(INSERT_EVENTS_WITH_DELIVERIES, [
      merchantId,
      events.map((event) => event.id),
      events.map((event) => event.type),
      events.map((event) => event.paymentId),
      events.map((event) => event.refundId),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => event.createdAt),
    ]);
    return rows.map((row) => row.id);
  }

  /** Runs after commit; never throws (the scheduler logs, the sweeper/poller recovers). */
  schedule(deliveryIds: string[]): void {
    if (deliveryIds.length > 0) void this.scheduler.schedule(deliveryIds);
  }
}
