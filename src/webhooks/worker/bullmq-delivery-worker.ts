import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { DeliveryService } from '../delivery/delivery.service';
import { BullmqDeliveryScheduler } from '../scheduling/bullmq-delivery-scheduler';
import { DeliverJobData, WEBHOOK_QUEUE_NAME } from '../scheduling/webhook-queue';

/** Thrown to make BullMQ retry; carries the wait the database decided on, so queue and rows agree. */
class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super(`delivery failed; next attempt in ${delayMs} ms`);
  }
}

/** The BullMQ side of delivery: each job is one attempt of one delivery, run by the shared DeliveryService. */
@Injectable()
export class BullmqDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(BullmqDeliveryWorker.name);
  private worker?: Worker<DeliverJobData>;

  constructor(
    private readonly config: AppConfig,
    private readonly scheduler: BullmqDeliveryScheduler,
    private readonly deliveries: DeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = this.config.webhookRetryScheduleMs;
    this.worker = new Worker<DeliverJobData>(WEBHOOK_QUEUE_NAME, (job) => this.process(job), {
      connection: this.scheduler.connection,
      prefix: this.config.redisKeyPrefix,
      concurrency: this.config.webhookConcurrency,
      lockDuration: this.config.webhookJobLockMs,
      stalledInterval: this.config.webhookJobLockMs,
      settings: {
        backoffStrategy: (attemptsMade, _type, error) =>
          error instanceof RetryLater ? error.delayMs : (schedule[attemptsMade - 1] ?? schedule.at(-1) ?? 0),
      },
    });
    this.worker.on('error', (error) => this.logger.warn(`Webhook worker error: ${error.message}`));
  }

  private async process(job: Job<DeliverJobData>): Promise<string> {
    const outcome = await this.deliveries.attempt(job.data.deliveryId);
    if (outcome.kind === 'retry') throw new RetryLater(outcome.delayMs);
    return outcome.kind;
  }

  /** Graceful: waits for the attempts in flight (each bounded by WEBHOOK_TIMEOUT_MS). */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }

  /** Stops without waiting for attempts in flight (tests use it to simulate a crash). */
  async closeAbruptly(): Promise<void> {
    await this.worker?.close(true);
  }
}
