import { Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { PaymentsService } from '../payments/payments.service';
import { TimelineView } from './dto/timeline.view';
import { TimelineRegistry } from './timeline.registry';

@Injectable()
export class TimelineService {
  constructor(
    private readonly payments: PaymentsService,
    private readonly registry: TimelineRegistry,
  ) {}

  /** Everything that happened to one of the merchant's payments, in time order (404 for anyone else's). */
  async forPayment(actor: Actor, paymentId: string): Promise<TimelineView> {
    await this.payments.get(actor, paymentId);
    const data = await this.registry.collect(actor.merchantId, paymentId);
    return { object: 'list', data: data as TimelineView['data'] };
  }
}
