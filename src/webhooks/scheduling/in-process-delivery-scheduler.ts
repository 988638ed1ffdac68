import { Injectable } from '@nestjs/common';
import { DeliveryScheduler } from './delivery-scheduler';
import { DeliveryWakeup } from './delivery-wakeup';

/**
 * No Redis: the pending rows themselves are the queue. Scheduling only wakes the poller of this
 * process (if it runs one); pollers in other processes find the rows on their next tick.
 */
@Injectable()
export class InProcessDeliveryScheduler implements DeliveryScheduler {
  constructor(private readonly wakeup: DeliveryWakeup) {}

  async schedule(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length > 0) this.wakeup.notify();
  }

  async reschedule(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length > 0) this.wakeup.notify();
  }
}
