import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { newId } from '../common/ids';
import { DELIVERY_SCHEDULER, DeliveryScheduler } from './scheduling/delivery-scheduler';
import { ALL_EVENTS } from './webhook-event-types';

export interface OutboxEvent {
  id: string;
  type: string;
}

interface SubscribedEndpoint {
  id: string;
  enabled_events: string[];
}

/** The write side of the outbox: delivery rows inside the caller's transaction, scheduling after commit. */
@Injectable()
export class WebhookOutboxService {
  constructor(@Inject(DELIVERY_SCHEDULER) private readonly scheduler: DeliveryScheduler) {}

  /** One pending delivery per (event, enabled endpoint of the merchant subscribed to its type). Returns their ids. */
  async createDeliveries(manager: EntityManager, merchantId: string, events: OutboxEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const types = [...new Set(events.map((event) => event.type))];
    const endpoints: SubscribedEndpoint[] = await manager.query(
      `SELECT id, enabled_events FROM webhook_endpoints
        WHERE merchant_id = $1 AND status = 'enabled' AND enabled_events && $2::text[]`,
      [merchantId, [ALL_EVENTS, ...types]],
    );
    const rows = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpoint.enabled_events.includes(ALL_EVENTS) || endpoint.enabled_events.includes(event.type))
        .map((endpoint) => ({ id: newId('webhookDelivery'), eventId: event.id, endpointId: endpoint.id })),
    );
    if (rows.length === 0) return [];
    await manager.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, status, attempt_count, next_attempt_at)
       SELECT d.id, $1, d.event_id, d.endpoint_id, 'pending', 0, now()
         FROM unnest($2::text[], $3::text[], $4::text[]) AS d(id, event_id, endpoint_id)`,
      [merchantId, rows.map((row) => row.id), rows.map((row) => row.eventId), rows.map((row) => row.endpointId)],
    );
    return rows.map((row) => row.id);
  }

  /** Runs after commit; never throws (the scheduler logs, the sweeper/poller recovers). */
  schedule(deliveryIds: string[]): void {
    if (deliveryIds.length > 0) void this.scheduler.schedule(deliveryIds);
  }
}
