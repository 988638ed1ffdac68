import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TimelineEntry, TimelineSource } from '../timeline/timeline-source';
import { TimelineRegistry } from '../timeline/timeline.registry';
import { ReviewEntity } from './entities/review.entity';

/** A payment's reviews on its timeline: one entry when opened, one when closed. */
@Injectable()
export class ReviewTimelineSource implements TimelineSource, OnModuleInit {
  readonly type = 'review';
  readonly rank = 10;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: TimelineRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async entries(merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const rows = await this.db.manager.find(ReviewEntity, { where: { merchantId, paymentId }, order: { id: 'ASC' } });
    return rows.flatMap((row) => [
      { type: 'review' as const, at: row.createdAt.toISOString(), review_id: row.id, status: 'open', reason: row.reason },
      ...(row.status === 'closed'
        ? [{ type: 'review' as const, at: row.updatedAt.toISOString(), review_id: row.id, status: 'closed', closed_reason: row.closedReason }]
        : []),
    ]);
  }
}
