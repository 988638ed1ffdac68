import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { BullmqDeliveryScheduler } from '../scheduling/bullmq-delivery-scheduler';
import { queryRows } from '../sql-rows';

const SWEEP_BATCH = 500;

/**
 * Rebuilds the queue from Postgres: any delivery due for longer than the grace period whose job
 * is gone (crash between commit and enqueue, Redis flushed or restarted) gets a job again.
 * Rows are taken with SKIP LOCKED and stamped (updated_at) in a short transaction, so several
 * workers split the work; the Redis round trips happen after that transaction committed.
 */
@Injectable()
export class DeliverySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DeliverySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly scheduler: BullmqDeliveryScheduler,
  ) {}

  onApplicationBootstrap(): void {
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then((count) => count > 0 && this.logger.log(`Sweeper re-enqueued ${count} webhook deliveries`))
        .catch((error: Error) => this.logger.warn(`Sweep failed: ${error.message}`))
        .then(() => this.arm());
    }, this.config.webhookSweepIntervalMs);
  }

  /** One pass; returns how many deliveries got a new job. */
  async sweep(): Promise<number> {
    const readAt = Date.now();
    const rows = await queryRows<{ id: string }>(
      this.db.manager,
      `WITH stale AS (
         SELECT id FROM webhook_deliveries
          WHERE status = 'pending'
            AND next_attempt_at <= now() - make_interval(secs => $1::float8 / 1000)
            AND updated_at <= now() - make_interval(secs => $1::float8 / 1000)
          ORDER BY next_attempt_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET updated_at = now() FROM stale WHERE d.id = stale.id
       RETURNING d.id`,
      [this.config.webhookSweepGraceMs, SWEEP_BATCH],
    );
    let added = 0;
    for (const { id } of rows) {
      if (this.stopped) break;
      // In a backlog the rows read are the oldest, so the worker often finishes their jobs meanwhile.
      if ((await this.scheduler.ensureJob(id, readAt)) !== 'kept') added++;
    }
    return added;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
