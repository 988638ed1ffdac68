import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TimelineEntry, TimelineSource } from '../timeline/timeline-source';
import { TimelineRegistry } from '../timeline/timeline.registry';
import { EventEntity } from './entities/event.entity';

/** The events about the payment (its own and its refunds'), for its timeline. */
@Injectable()
export class EventTimelineSource implements TimelineSource, OnModuleInit {
  readonly type = 'event';
  readonly rank = 20;

  constructor(
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    private readonly registry: TimelineRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async entries(merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const rows = await this.events.find({ where: { merchantId, paymentId }, order: { id: 'ASC' } });
    return rows.map((row) => ({
      type: 'event',
      at: row.createdAt.toISOString(),
      id: row.id,
      event_type: row.type,
      ...(row.refundId ? { refund_id: row.refundId } : {}),
    }));
  }
}
