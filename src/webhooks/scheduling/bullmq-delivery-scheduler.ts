import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { HealthService } from '../../health/health.service';
import { Batcher } from '../../common/batcher';
import { DeliveryScheduler } from './delivery-scheduler';
import { createRedisConnection, createWebhookQueue, DELIVER_JOB_NAME, DeliverJobData, jobOptions, LIVE_JOB_STATES } from './webhook-queue';

const ENQUEUE_TIMEOUT_MS = 3_000;

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** REDIS_URL set: one BullMQ job per delivery (jobId = delivery id, so a repeat add is a no-op). */
@Injectable()
export class BullmqDeliveryScheduler implements DeliveryScheduler, OnApplicationShutdown {
  private readonly logger = new Logger(BullmqDeliveryScheduler.name);
  readonly connection: IORedis;
  readonly queue: Queue<DeliverJobData>;
  /** The deliveries of transactions committing at the same time share one addBulk; a batch takes everything waiting. */
  private readonly enqueue = new Batcher<string[], void>(
    async (groups) => {
      await this.addJobs(groups.flat());
      return groups.map(() => undefined);
    },
    { maxBatch: Number.POSITIVE_INFINITY, maxInFlight: 2 },
  );

  constructor(
    private readonly config: AppConfig,
    health: HealthService,
  ) {
    this.connection = createRedisConnection(config, 'queue');
    this.queue = createWebhookQueue(config, this.connection);
    this.queue.on('error', () => undefined); // connection errors are logged once by the connection itself
    health.register({ name: 'redis', check: async () => void (await this.connection.ping()) });
  }

  /**
   * Never throws: the rows are committed, so a failed enqueue is only a delay (the sweeper recovers
   * it). Batched (see `enqueue`): nothing piles up here while Redis is slow or down.
   */
  async schedule(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length > 0) await this.enqueue.submit(deliveryIds);
  }

  private async addJobs(deliveryIds: string[]): Promise<void> {
    const jobs = deliveryIds.map((deliveryId) => ({ name: DELIVER_JOB_NAME, data: { deliveryId }, opts: jobOptions(this.config, deliveryId) }));
    try {
      await withDeadline(this.queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(`Could not enqueue ${deliveryIds.length} webhook deliveries (the sweeper will retry): ${(error as Error).message}`);
    }
  }

  async reschedule(deliveryIds: string[]): Promise<void> {
    for (const deliveryId of deliveryIds) {
      try {
        await withDeadline(this.ensureJob(deliveryId), ENQUEUE_TIMEOUT_MS);
      } catch (error) {
        this.logger.warn(`Could not re-enqueue webhook delivery ${deliveryId} (the sweeper will retry): ${(error as Error).message}`);
      }
    }
  }

  /**
   * Makes sure a job will run now: keeps a waiting/active one, promotes a delayed one, replaces a
   * finished one. `finishedSince` (the sweeper: when it read the row as pending) keeps a job that
   * finished since then: that run already saw the row, re-running it would only repeat a claim.
   */
  async ensureJob(deliveryId: string, finishedSince?: number): Promise<'kept' | 'promoted' | 'added'> {
    const job = await this.queue.getJob(deliveryId);
    if (job) {
      const state = await job.getState();
      if (state === 'delayed') {
        await job.promote();
        return 'promoted';
      }
      if (LIVE_JOB_STATES.has(state)) return 'kept';
      if (finishedSince !== undefined && (job.finishedOn ?? 0) >= finishedSince) return 'kept';
      await job.remove();
    }
    await this.queue.add(DELIVER_JOB_NAME, { deliveryId }, jobOptions(this.config, deliveryId));
    return 'added';
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
