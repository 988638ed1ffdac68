import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TimelineEntry, TimelineSource } from '../timeline/timeline-source';
import { TimelineRegistry } from '../timeline/timeline.registry';
import { SimulatedFaultEntity } from './entities/simulated-fault.entity';

/**
 * Simulated faults that struck a request which committed something to this payment (lost_response:
 * the payment or a refund committed, then the connection was closed instead of answered).
 * Ranked after the events of the same commit, before their deliveries.
 */
@Injectable()
export class SimulatedFaultTimelineSource implements TimelineSource, OnModuleInit {
  readonly type = 'simulated_fault';
  readonly rank = 25;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: TimelineRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async entries(merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const rows = await this.db.manager.find(SimulatedFaultEntity, { where: { merchantId, paymentId }, order: { id: 'ASC' } });
    return rows.map((row) => ({
      type: 'simulated_fault',
      at: row.createdAt.toISOString(),
      id: row.id,
      fault: row.fault,
      operation: row.operation,
      refund_id: row.refundId,
      api_key_id: row.apiKeyId,
      request_id: row.requestId,
    }));
  }
}
