import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TimelineEntry, TimelineSource } from '../timeline/timeline-source';
import { TimelineRegistry } from '../timeline/timeline.registry';
import { PaymentHistoryEntity } from './entities/payment-history.entity';

/** The payment's transitions (payment_history), for its timeline. */
@Injectable()
export class PaymentTimelineSource implements TimelineSource, OnModuleInit {
  readonly type = 'transition';
  readonly rank = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: TimelineRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async entries(_merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const rows = await this.db.manager.find(PaymentHistoryEntity, { where: { paymentId }, order: { id: 'ASC' } });
    return rows.map((row) => ({
      type: 'transition',
      at: row.createdAt.toISOString(),
      from: row.fromStatus,
      to: row.toStatus,
      trigger: row.event,
      api_key_id: row.apiKeyId,
      request_id: row.requestId,
      ip: row.ip,
      user_agent: row.userAgent,
    }));
  }
}
