import { Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import IORedis from 'ioredis';
import { AppConfig } from '../../config/app-config';

export const WEBHOOK_QUEUE_NAME = 'webhooks';
export const DELIVER_JOB_NAME = 'deliver';
export const WEBHOOK_BACKOFF_TYPE = 'webhook-schedule';

export interface DeliverJobData {
  deliveryId: string;
}

/** Job states in which BullMQ will still run the job by itself. */
export const LIVE_JOB_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/** One ioredis connection per process for BullMQ (maxRetriesPerRequest: null, as BullMQ requires). */
export function createRedisConnection(config: AppConfig, role: string): IORedis {
  const url = config.redisUrl;
  if (!url) throw new Error('REDIS_URL is not set');
  const connection = new IORedis(url, { maxRetriesPerRequest: null, connectionName: `payment-sandbox-${role}` });
  const logger = new Logger('Redis');
  let lastError = '';
  connection.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn(`Redis (${role}) connection error: ${error.message}`);
    lastError = error.message;
  });
  connection.on('ready', () => (lastError = ''));
  return connection;
}

export function jobOptions(config: AppConfig, deliveryId: string): JobsOptions {
  return {
    jobId: deliveryId,
    attempts: config.webhookRetryScheduleMs.length + 1,
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

export function createWebhookQueue(config: AppConfig, connection: IORedis): Queue<DeliverJobData> {
  return new Queue<DeliverJobData>(WEBHOOK_QUEUE_NAME, { connection, prefix: config.redisKeyPrefix });
}
