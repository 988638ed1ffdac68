import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { toWebhookDeliveryView, WebhookDeliveryListView } from './dto/webhook-delivery.view';
import { WebhookAttemptEntity } from './entities/webhook-attempt.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import { DELIVERY_SCHEDULER, DeliveryScheduler } from './scheduling/delivery-scheduler';
import { OutboxEvent } from './webhook-outbox.service';
import { ALL_EVENTS } from './webhook-event-types';

/** The read side (delivery log of an event) and resend. The caller has checked the event belongs to the merchant. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(DELIVERY_SCHEDULER) private readonly scheduler: DeliveryScheduler,
  ) {}

  async listForEvent(merchantId: string, eventId: string): Promise<WebhookDeliveryListView> {
    const deliveries = await this.db.manager.find(WebhookDeliveryEntity, { where: { merchantId, eventId }, order: { id: 'ASC' } });
    return this.toListView(deliveries);
  }

  /** Every delivery of the events about one payment (the caller has checked the payment is the merchant's). */
  async listForPayment(merchantId: string, paymentId: string): Promise<WebhookDeliveryListView> {
    const deliveries: WebhookDeliveryEntity[] = await this.db.manager
      .createQueryBuilder(WebhookDeliveryEntity, 'delivery')
      .innerJoin('events', 'event', 'event.id = delivery.event_id')
      .where('delivery.merchant_id = :merchantId AND event.payment_id = :paymentId', { merchantId, paymentId })
      .orderBy('delivery.created_at', 'ASC')
      .addOrderBy('delivery.id', 'ASC')
      .getMany();
    return this.toListView(deliveries);
  }

  /**
   * A new attempt now: to `endpointId` only, or to every enabled endpoint that has a delivery of
   * this event or is subscribed to its type (creating the missing delivery rows).
   */
  async resend(merchantId: string, event: OutboxEvent, endpointId?: string): Promise<WebhookDeliveryListView> {
    const ids = await this.db.transaction(async (manager) => {
      const endpointIds = endpointId
        ? [await this.enabledEndpoint(manager, merchantId, endpointId)]
        : await this.resendTargets(manager, merchantId, event);
      return this.upsertDue(manager, merchantId, event.id, endpointIds);
    });
    await this.scheduler.reschedule(ids);
    const deliveries = await this.db.manager.find(WebhookDeliveryEntity, { where: { id: In(ids) }, order: { id: 'ASC' } });
    return this.toListView(deliveries);
  }

  private async enabledEndpoint(manager: EntityManager, merchantId: string, endpointId: string): Promise<string> {
    const endpoint = await manager.findOneBy(WebhookEndpointEntity, { id: endpointId, merchantId });
    if (!endpoint) throw DomainError.notFound('webhook endpoint', endpointId, 'endpoint_id');
    if (endpoint.status !== 'enabled') {
      throw new DomainError('webhook_endpoint_disabled', `Webhook endpoint '${endpointId}' is disabled; enable it first.`, 'endpoint_id');
    }
    return endpoint.id;
  }

  private async resendTargets(manager: EntityManager, merchantId: string, event: OutboxEvent): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT w.id FROM webhook_endpoints w
        WHERE w.merchant_id = $1 AND w.status = 'enabled'
          AND (w.enabled_events && $3::text[]
               OR EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = $2 AND d.endpoint_id = w.id))`,
      [merchantId, event.id, [ALL_EVENTS, event.type]],
    );
    return rows.map((row) => row.id);
  }

  /** Creates or re-arms (pending, due now) the delivery of this event to each endpoint. */
  private async upsertDue(manager: EntityManager, merchantId: string, eventId: string, endpointIds: string[]): Promise<string[]> {
    if (endpointIds.length === 0) return [];
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO webhook_deliveries (id, merchant_id, event_id, endpoint_id, status, attempt_count, next_attempt_at)
       SELECT d.id, $1, $2, d.endpoint_id, 'pending', 0, now()
         FROM unnest($3::text[], $4::text[]) AS d(id, endpoint_id)
       ON CONFLICT ON CONSTRAINT webhook_deliveries_event_endpoint_uq
       DO UPDATE SET status = 'pending', next_attempt_at = now(), updated_at = now()
       RETURNING id`,
      [merchantId, eventId, endpointIds.map(() => newId('webhookDelivery')), endpointIds],
    );
    return rows.map((row) => row.id);
  }

  private async toListView(deliveries: WebhookDeliveryEntity[]): Promise<WebhookDeliveryListView> {
    const attempts = deliveries.length
      ? await this.db.manager.find(WebhookAttemptEntity, {
          where: { deliveryId: In(deliveries.map((delivery) => delivery.id)) },
          order: { attempt: 'ASC', id: 'ASC' },
        })
      : [];
    const data = deliveries.map((delivery) =>
      toWebhookDeliveryView(
        delivery,
        attempts.filter((attempt) => attempt.deliveryId === delivery.id),
      ),
    );
    return { object: 'list', data, has_more: false };
  }
}
