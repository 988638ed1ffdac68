import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { decodeNotice, encodeNotice, EventBus, EventNotice, EventNoticeListener, ListenerSet, ThrottledWarning } from './event-bus';

/** Redis pub/sub: a publisher connection, and a subscriber connection opened by the first local listener. */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis';
  private readonly logger = new Logger(RedisEventBus.name);
  private readonly listeners = new ListenerSet();
  private readonly publishFailure = new ThrottledWarning((message) => this.logger.warn(message));
  private readonly channel: string;
  private publisher?: Redis;
  private subscriber?: Redis;
  private subscribed: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    keyPrefix: string,
  ) {
    this.channel = `${keyPrefix}:events`;
  }

  publish(notice: EventNotice): void {
    this.publisher ??= this.connect('publisher');
    this.publisher.publish(this.channel, encodeNotice(notice)).catch((error: Error) => {
      this.publishFailure.report(`Could not publish an event notice: ${error.message}`);
    });
  }

  subscribe(listener: EventNoticeListener): () => void {
    if (!this.subscriber) {
      this.subscriber = this.connect('subscriber');
      this.subscriber.on('message', (_channel: string, payload: string) => {
        const notice = decodeNotice(payload);
        if (notice) this.listeners.emit(notice);
      });
      this.subscribed = this.subscriber.subscribe(this.channel).then(
        () => undefined,
        (error: Error) => this.logger.warn(`Could not subscribe: ${error.message}`),
      );
    }
    return this.listeners.add(listener);
  }

  ready(): Promise<void> {
    return this.subscribed;
  }

  async close(): Promise<void> {
    await Promise.all([this.publisher, this.subscriber].map((client) => client?.quit().catch(() => client.disconnect())));
  }

  private connect(role: string): Redis {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectionName: `sandbox-events-${role}` });
    client.on('error', (error: Error) => this.logger.debug(`Redis ${role}: ${error.message}`));
    return client;
  }
}
