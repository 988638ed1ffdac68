import { Injectable, OnModuleInit } from '@nestjs/common';
import { TimelineEntry, TimelineSource } from '../timeline/timeline-source';
import { TimelineRegistry } from '../timeline/timeline.registry';
import { WebhookDeliveriesService } from './webhook-deliveries.service';

/** Webhook deliveries of the payment's events, each with its attempts, for its timeline. */
@Injectable()
export class DeliveryTimelineSource implements TimelineSource, OnModuleInit {
  readonly type = 'delivery';
  readonly rank = 30;

  constructor(
    private readonly deliveries: WebhookDeliveriesService,
    private readonly registry: TimelineRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async entries(merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const list = await this.deliveries.listForPayment(merchantId, paymentId);
    return list.data.map((delivery) => ({
      type: 'delivery',
      at: delivery.created_at,
      id: delivery.id,
      event_id: delivery.event_id,
      endpoint_id: delivery.endpoint_id,
      status: delivery.status,
      next_attempt_at: delivery.next_attempt_at,
      attempts: delivery.attempts.map(({ response_body: _body, ...attempt }) => attempt),
    }));
  }
}
