import { Module } from '@nestjs/common';
import { TimelineRegistryModule } from '../timeline/timeline-registry.module';
import { DeliveryTimelineSource } from './delivery-timeline.source';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AppConfig } from '../config/app-config';
import { HealthModule } from '../health/health.module';
import { HealthService } from '../health/health.service';
import { DeliveryService } from './delivery/delivery.service';
import { DeliveryStore } from './delivery/delivery-store';
import { WebhookAttemptEntity } from './entities/webhook-attempt.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookEndpointEntity } from './entities/webhook-endpoint.entity';
import { BullmqDeliveryScheduler } from './scheduling/bullmq-delivery-scheduler';
import { DELIVERY_SCHEDULER, DeliveryScheduler } from './scheduling/delivery-scheduler';
import { DeliveryWakeup } from './scheduling/delivery-wakeup';
import { InProcessDeliveryScheduler } from './scheduling/in-process-delivery-scheduler';
import { RetryClockListener } from './scheduling/retry-clock-listener';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookOutboxService } from './webhook-outbox.service';

/** The one place that knows which delivery adapter runs: BullMQ with REDIS_URL, the database poller without. */
const deliverySchedulerProvider = {
  provide: DELIVERY_SCHEDULER,
  inject: [AppConfig, HealthService, DeliveryWakeup],
  useFactory: (config: AppConfig, health: HealthService, wakeup: DeliveryWakeup): DeliveryScheduler =>
    config.redisUrl ? new BullmqDeliveryScheduler(config, health) : new InProcessDeliveryScheduler(wakeup),
};

@Module({
  imports: [TimelineRegistryModule, 
    TypeOrmModule.forFeature([WebhookEndpointEntity, WebhookDeliveryEntity, WebhookAttemptEntity]),
    HealthModule,
    AuditModule,
  ],
  controllers: [WebhookEndpointsController],
  providers: [DeliveryTimelineSource, 
    WebhookEndpointsService,
    WebhookOutboxService,
    WebhookDeliveriesService,
    DeliveryStore,
    DeliveryService,
    DeliveryWakeup,
    deliverySchedulerProvider,
    RetryClockListener,
  ],
  exports: [WebhookOutboxService, WebhookDeliveriesService, DeliveryService, DeliveryWakeup, DELIVERY_SCHEDULER],
})
export class WebhooksModule {}
