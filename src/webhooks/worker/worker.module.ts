import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ScheduledActionsRunner } from '../../scheduling/scheduled-actions.runner';
import { BullmqDeliveryScheduler } from '../scheduling/bullmq-delivery-scheduler';
import { DELIVERY_SCHEDULER, DeliveryScheduler } from '../scheduling/delivery-scheduler';
import { WebhooksModule } from '../webhooks.module';
import { BullmqDeliveryWorker } from './bullmq-delivery-worker';
import { DeliveryPoller } from './delivery-poller';
import { DeliverySweeper } from './delivery-sweeper';

const bullmqSchedulerAlias: Provider = {
  provide: BullmqDeliveryScheduler,
  inject: [DELIVERY_SCHEDULER],
  useFactory: (scheduler: DeliveryScheduler) => {
    if (!(scheduler instanceof BullmqDeliveryScheduler)) throw new Error('BullMQ worker requires REDIS_URL');
    return scheduler;
  },
};

/**
 * The delivery side: the BullMQ Worker + sweeper (REDIS_URL set) or the in-process poller; and the
 * runner of scheduled actions due on their merchant's clock.
 * `npm start` includes it next to the API; `start:api` leaves it out; src/worker.ts runs it alone.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const delivery: Provider[] = config.redisUrl ? [bullmqSchedulerAlias, BullmqDeliveryWorker, DeliverySweeper] : [DeliveryPoller];
    const providers: Provider[] = [...delivery, ScheduledActionsRunner];
    return { module: WorkerModule, imports: [WebhooksModule], providers, exports: providers };
  }
}
