/** "These events of this merchant were committed": the payload of a notification. The events table has the rows. */
export interface EventNotice {
  merchantId: string;
  eventIds: string[];
}

export type EventNoticeListener = (notice: EventNotice) => void;

/**
 * Carries notices from whichever process committed events to every process with a live stream:
 * Redis pub/sub (REDIS_URL), Postgres LISTEN/NOTIFY (external Postgres without Redis), or an in-process
 * emitter (embedded mode: one process owns the database). Delivery is best effort; the table is the truth
 * and a client that missed something resumes from it (Last-Event-ID).
 */
export interface EventBus {
  readonly kind: 'redis' | 'postgres' | 'in-process';
  publish(notice: EventNotice): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventNoticeListener): () => void;
  /** Resolves once this process's subscription is live (LISTEN / SUBSCRIBE answered), or has failed and is retrying. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_BUS = Symbol('EVENT_BUS');

/** Wire format shared by the Redis and Postgres buses (NOTIFY payloads must stay under 8000 bytes). */
export function encodeNotice(notice: EventNotice): string {
  return JSON.stringify({ m: notice.merchantId, e: notice.eventIds });
}

export function decodeNotice(payload: string): EventNotice | undefined {
  try {
    const value = JSON.parse(payload) as { m?: unknown; e?: unknown };
    if (typeof value.m !== 'string' || !Array.isArray(value.e) || !value.e.every((id) => typeof id === 'string')) return undefined;
    return { merchantId: value.m, eventIds: value.e as string[] };
  } catch {
    return undefined;
  }
}

/** Splits a notice so each encoded part stays well under NOTIFY's 8000-byte limit. */
export function chunkNotice(notice: EventNotice, maxIds = 100): EventNotice[] {
  const parts: EventNotice[] = [];
  for (let i = 0; i < notice.eventIds.length; i += maxIds) {
    parts.push({ merchantId: notice.merchantId, eventIds: notice.eventIds.slice(i, i + maxIds) });
  }
  return parts;
}

/** Keeps the listeners of one bus and hands each notice to all of them. */
export class ListenerSet {
  private readonly listeners = new Set<EventNoticeListener>();

  add(listener: EventNoticeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(notice: EventNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}

/** Logs a failure to publish at most once per interval (a dead Redis must not add a log line per payment). */
export class ThrottledWarning {
  private lastAt = 0;
  private suppressed = 0;

  constructor(
    private readonly warn: (message: string) => void,
    private readonly intervalMs = 10_000,
  ) {}

  report(message: string): void {
    const now = Date.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.warn(this.suppressed > 0 ? `${message} (and ${this.suppressed} more since the last report)` : message);
    this.lastAt = now;
    this.suppressed = 0;
  }
}
