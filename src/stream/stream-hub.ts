import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventView, toEventView } from '../events/dto/event.view';
import { EventEntity } from '../events/entities/event.entity';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { EVENT_BUS, EventBus, EventNotice } from './bus/event-bus';
import { matchesFilter, StreamFilter } from './stream-filter';

/** A connection's sink: returns false when the client can no longer take events (the hub then forgets it). */
export type EventSink = (event: EventView) => boolean;

/** Resolves once the connection's socket has taken what was written (a replay waits on it between events). */
export type SinkDrained = () => Promise<void>;

export interface OpenSubscription {
  close(): void;
}

const REPLAY_PAGE = 500;
/** A resume replays at most this many missed events; older ones are in GET /v1/events. */
export const REPLAY_MAX = 10_000;
/** How many of the newest replayed ids a stream remembers to drop their late live notices. */
const LATE_NOTICE_MEMORY = 1_000;
/** How long start-up waits for the bus's LISTEN/SUBSCRIBE to be answered. */
const BUS_READY_WAIT_MS = 3_000;

class Subscriber {
  /** While replaying, live events wait here (then only those the replay did not send go out). */
  private waiting: EventEntity[] | undefined;
  private readonly replayed = new Set<string>();
  closed = false;

  constructor(
    readonly merchantId: string,
    readonly filter: StreamFilter,
    private readonly sink: EventSink,
    replaying: boolean,
    private readonly drained?: SinkDrained,
  ) {
    this.waiting = replaying ? [] : undefined;
  }

  live(event: EventEntity): void {
    if (this.closed || !matchesFilter(this.filter, event)) return;
    if (this.waiting) this.waiting.push(event);
    // The bus is asynchronous: an event the replay already sent may still be announced afterwards.
    else if (!this.replayed.delete(event.id)) this.send(event);
  }

  async replay(event: EventEntity): Promise<void> {
    this.replayed.add(event.id);
    this.send(event);
    // A replay writes as fast as Postgres reads; waiting for the socket keeps a resuming client
    // from being dropped as "too slow" by the burst its own resume caused.
    if (!this.closed) await this.drained?.();
  }

  endReplay(): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const event of waiting) if (!this.replayed.delete(event.id)) this.send(event);
    // Keep the newest replayed ids for late notices (bounded: a resume can replay 10,000 events).
    for (const id of this.replayed) {
      if (this.replayed.size <= LATE_NOTICE_MEMORY) break;
      this.replayed.delete(id);
    }
  }

  private send(event: EventEntity): void {
    if (!this.closed && !this.sink(toEventView(event))) this.closed = true;
  }
}

/**
 * Fans committed events out to the live streams of this process. A notice on the bus names event
 * ids; the hub reads those rows (only for merchants with a connected stream) and hands each to the
 * subscribers whose filter matches. Resuming subscribers first get what they missed from the table.
 */
@Injectable()
export class StreamHub implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StreamHub.name);
  private readonly byMerchant = new Map<string, Set<Subscriber>>();
  private pending = new Map<string, Set<string>>();
  private flushScheduled = false;
  private unsubscribe?: () => void;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly events: EventsService,
    private readonly metrics: MetricsService,
  ) {}

  /** Listens from start-up, so the first client does not wait for (and miss events during) the LISTEN/SUBSCRIBE handshake. */
  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe ??= this.bus.subscribe((notice) => this.onNotice(notice));
    // Waits (briefly: a bus that is down must not stop start-up) until notices can arrive, so a client
    // that connects right after start-up does not miss the first events.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, BUS_READY_WAIT_MS)));
    await Promise.race([this.bus.ready(), giveUp]);
    clearTimeout(timer);
  }

  /** Starts delivering the merchant's matching events to `sink`; with `afterId`, first those after it. */
  open(merchantId: string, filter: StreamFilter, sink: EventSink, afterId?: string, drained?: SinkDrained): OpenSubscription {
    const subscriber = new Subscriber(merchantId, filter, sink, afterId !== undefined, drained);
    const set = this.byMerchant.get(merchantId) ?? new Set<Subscriber>();
    set.add(subscriber);
    this.byMerchant.set(merchantId, set);
    this.metrics.streamClients.inc();
    if (afterId !== undefined) void this.replay(subscriber, afterId);
    return { close: () => this.remove(subscriber) };
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const set of this.byMerchant.values()) for (const subscriber of set) subscriber.closed = true;
    this.byMerchant.clear();
  }

  private remove(subscriber: Subscriber): void {
    const set = this.byMerchant.get(subscriber.merchantId);
    if (!set?.delete(subscriber)) return;
    subscriber.closed = true;
    this.metrics.streamClients.dec();
    if (set.size === 0) this.byMerchant.delete(subscriber.merchantId);
  }

  private async replay(subscriber: Subscriber, afterId: string): Promise<void> {
    try {
      let cursor = afterId;
      for (let sent = 0; sent < REPLAY_MAX && !subscriber.closed; ) {
        const page = await this.events.listAfter(subscriber.merchantId, cursor, subscriber.filter, Math.min(REPLAY_PAGE, REPLAY_MAX - sent));
        for (const event of page) await subscriber.replay(event);
        sent += page.length;
        if (page.length < REPLAY_PAGE) break;
        cursor = page[page.length - 1].id;
      }
    } catch (error) {
      this.logger.warn(`Replay after ${afterId} failed: ${(error as Error).message}`);
    } finally {
      subscriber.endReplay();
    }
  }

  private onNotice(notice: EventNotice): void {
    if (!this.byMerchant.has(notice.merchantId)) return;
    const ids = this.pending.get(notice.merchantId) ?? new Set<string>();
    notice.eventIds.forEach((id) => ids.add(id));
    this.pending.set(notice.merchantId, ids);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  /** One query per merchant for every notice that arrived in the same turn of the event loop. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.flushScheduled = false;
    for (const [merchantId, ids] of batch) {
      try {
        const rows = await this.events.findMany(merchantId, [...ids]);
        for (const subscriber of this.byMerchant.get(merchantId) ?? []) {
          rows.forEach((row) => subscriber.live(row));
          if (subscriber.closed) this.remove(subscriber);
        }
      } catch (error) {
        this.logger.warn(`Could not read notified events: ${(error as Error).message}`);
      }
    }
  }
}
