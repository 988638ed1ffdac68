import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { chunkNotice, decodeNotice, encodeNotice, EventBus, EventNotice, EventNoticeListener, ListenerSet, ThrottledWarning } from './event-bus';

export const EVENTS_CHANNEL = 'sandbox_events';
const RECONNECT_DELAY_MS = 1_000;

/** Postgres LISTEN/NOTIFY: NOTIFY through the pool after commit; one dedicated LISTEN connection per process with listeners. */
export class PostgresEventBus implements EventBus {
  readonly kind = 'postgres';
  private readonly logger = new Logger(PostgresEventBus.name);
  private readonly listeners = new ListenerSet();
  private readonly publishFailure = new ThrottledWarning((message) => this.logger.warn(message));
  private client?: Client;
  private closed = false;
  private listening: Promise<void> = Promise.resolve();
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: DataSource,
    private readonly url: string,
  ) {}

  publish(notice: EventNotice): void {
    for (const part of chunkNotice(notice)) {
      this.db.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, encodeNotice(part)]).catch((error: Error) => {
        this.publishFailure.report(`Could not publish an event notice: ${error.message}`);
      });
    }
  }

  subscribe(listener: EventNoticeListener): () => void {
    const unsubscribe = this.listeners.add(listener);
    if (!this.client) this.listen();
    return unsubscribe;
  }

  ready(): Promise<void> {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private listen(): void {
    const client = new Client({ connectionString: this.url, application_name: 'payment-sandbox-events' });
    this.client = client;
    client.on('notification', (message) => {
      const notice = message.channel === EVENTS_CHANNEL && message.payload ? decodeNotice(message.payload) : undefined;
      if (notice) this.listeners.emit(notice);
    });
    client.on('error', (error) => this.retry(client, error));
    client.on('end', () => this.retry(client));
    this.listening = client
      .connect()
      .then(() => client.query(`LISTEN ${EVENTS_CHANNEL}`))
      .then(
        () => undefined,
        (error: Error) => this.retry(client, error),
      );
  }

  /** Notices sent while the connection is down are lost; streams resume from the table. */
  private retry(client: Client, error?: Error): void {
    if (this.closed || this.client !== client) return;
    if (error) this.publishFailure.report(`LISTEN connection lost: ${error.message}; reconnecting`);
    this.client = undefined;
    client.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      if (!this.closed && this.listeners.size > 0 && !this.client) this.listen();
    }, RECONNECT_DELAY_MS);
  }
}
