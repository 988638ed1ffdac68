import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ScheduledActionsService } from './scheduled-actions.service';

const MERCHANTS_PER_POLL = 50;

/**
 * The worker side of scheduling: every SCHEDULER_POLL_INTERVAL_MS, finds merchants with actions
 * due on their own clock and drains each (SKIP LOCKED on the merchant's clock row: a merchant
 * another worker or an advance is draining is skipped, so several workers are safe). A killed
 * worker's open transaction rolls back: its actions are still pending and run again.
 */
@Injectable()
export class ScheduledActionsRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScheduledActionsRunner.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly actions: ScheduledActionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.arm(0);
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll()
        .catch((error: Error) => this.logger.warn(`Scheduled actions poll failed: ${error.message}`))
        .then(() => this.arm(this.config.schedulerPollIntervalMs));
    }, delayMs);
  }

  /** One pass over the merchants with due work; returns how many actions ran. */
  async poll(): Promise<number> {
    let ran = 0;
    for (const merchantId of await this.actions.dueMerchants(MERCHANTS_PER_POLL)) {
      if (this.stopped) break;
      ran += await this.drainMerchant(merchantId);
    }
    return ran;
  }

  private async drainMerchant(merchantId: string): Promise<number> {
    const runner = this.db.createQueryRunner();
    try {
      await runner.connect();
      return await this.actions.drain(runner, merchantId, { skipLocked: true });
    } catch (error) {
      this.logger.warn(`Draining the scheduled actions of ${merchantId} failed: ${(error as Error).message}`);
      return 0;
    } finally {
      await runner.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
