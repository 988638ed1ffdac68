import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TimelineEntry, TimelineSource } from '../timeline/timeline-source';
import { TimelineRegistry } from '../timeline/timeline.registry';
import { queryRows } from '../webhooks/sql-rows';

interface AttemptRow {
  id: string;
  connector_id: string;
  status: string;
  error: string | null;
  latency_ms: number;
  reason: string;
  created_at: Date;
}

/** The payment's connector calls (payment_attempts), in call order, for its timeline. */
@Injectable()
export class AttemptTimelineSource implements TimelineSource, OnModuleInit {
  readonly type = 'attempt';
  readonly rank = 10;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: TimelineRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async entries(merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const rows = await queryRows<AttemptRow>(
      this.db.manager,
      `SELECT id, connector_id, status, error, latency_ms, reason, created_at FROM payment_attempts
        WHERE merchant_id = $1 AND payment_id = $2 ORDER BY seq`,
      [merchantId, paymentId],
    );
    return rows.map((row) => ({
      type: 'attempt',
      at: new Date(row.created_at).toISOString(),
      id: row.id,
      connector: row.connector_id,
      status: row.status,
      error: row.error,
      latency_ms: Number(row.latency_ms),
      reason: row.reason,
    }));
  }
}
