import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ClockService } from '../../clock/clock.service';
import { DeliveryService } from '../delivery/delivery.service';
import { DELIVERY_SCHEDULER, DeliveryScheduler } from './delivery-scheduler';

/**
 * Webhook retries wait on the merchant clock: when an advance moves it past a retry's due time,
 * the delivery is handed to the queue at once (BullMQ: its delayed job is promoted; in-process:
 * the poller is woken), so the real HTTP attempt happens right away. The rows are updated first,
 * so a lost hand-over is still picked up by the sweeper or the poller.
 */
@Injectable()
export class RetryClockListener implements OnModuleInit {
  constructor(
    private readonly clock: ClockService,
    private readonly deliveries: DeliveryService,
    @Inject(DELIVERY_SCHEDULER) private readonly scheduler: DeliveryScheduler,
  ) {}

  onModuleInit(): void {
    this.clock.onAdvance(async (manager, merchantId, now) => {
      const due = await this.deliveries.pullRetries(manager, merchantId, now);
      await this.scheduler.reschedule(due);
    });
  }
}
