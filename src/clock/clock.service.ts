import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ClockState, merchantNowMs, WALL_CLOCK } from './clock-state';

/** Told, inside the advance (on its connection), that a merchant's clock jumped to `now`. */
export type AdvanceListener = (manager: EntityManager, merchantId: string, now: Date) => Promise<void>;

interface CachedClock {
  state: ClockState;
  /** performance.now() taken BEFORE the read was sent: the value is at least this fresh. */
  readAt: number;
}

interface PinnedTime {
  merchantId: string;
  at: Date;
}

interface ClockRow {
  offset_ms: string;
  frozen_at: Date | null;
}

function toState(row: ClockRow | undefined): ClockState {
  return row ? { offsetMs: Number(row.offset_ms), frozenAtMs: row.frozen_at ? row.frozen_at.getTime() : null } : WALL_CLOCK;
}

/**
 * The one source of business time: every merchant lives on its own clock (design-v2 §1), stored
 * in `test_clocks` (no row: the wall clock).
 *
 * Cache: each process reuses a clock it read for at most CLOCK_CACHE_MS (measured from before the
 * read was sent). Whoever changes a clock (TestClockService) waits that long after its commit before
 * answering, so once an advance has answered no process anywhere can still serve the old time. No
 * message has to reach the other processes, so nothing can be lost or late; the cost is one
 * CLOCK_CACHE_MS per advance, and at most one read per merchant per CLOCK_CACHE_MS per process.
 */
@Injectable()
export class ClockService {
  private readonly cache = new Map<string, CachedClock>();
  private readonly reads = new Map<string, { promise: Promise<ClockState>; readAt: number }>();
  private readonly pinned = new AsyncLocalStorage<PinnedTime>();
  private readonly listeners: AdvanceListener[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The merchant's current time. Inside a transaction pass its `manager`: a read the cache cannot
   * answer then uses the transaction's connection instead of waiting for a second one (the
   * embedded database has a single connection; a busy pool would starve).
   */
  async now(merchantId: string, manager?: EntityManager): Promise<Date> {
    const pin = this.pinned.getStore();
    if (pin && pin.merchantId === merchantId) return new Date(pin.at.getTime());
    return new Date(merchantNowMs(await this.state(merchantId, manager), Date.now()));
  }

  /** Runs `work` with the merchant's clock reading `at` (a scheduled action runs at its due time). */
  runAt<T>(merchantId: string, at: Date, work: () => Promise<T>): Promise<T> {
    return this.pinned.run({ merchantId, at }, work);
  }

  /** Subscribes to clock jumps (e.g. webhook retries whose wait has now passed run at once). */
  onAdvance(listener: AdvanceListener): void {
    this.listeners.push(listener);
  }

  /** Called by the advance after it committed the new clock. */
  async advanced(manager: EntityManager, merchantId: string, now: Date): Promise<void> {
    for (const listener of this.listeners) await listener(manager, merchantId, now);
  }

  get cacheMs(): number {
    return this.config.clockCacheMs;
  }

  /** The stored clock, from this process' cache while it is fresh enough. */
  async state(merchantId: string, manager: EntityManager = this.db.manager): Promise<ClockState> {
    const cached = this.cache.get(merchantId);
    if (cached && this.fresh(cached.readAt)) return cached.state;
    // A read already on its way is as good as a cached value read at the time it was sent. Not for a
    // caller inside a transaction: that read may be waiting for the very connection the caller holds.
    const inFlight = manager === this.db.manager ? this.reads.get(merchantId) : undefined;
    if (inFlight && this.fresh(inFlight.readAt)) return inFlight.promise;
    const readAt = performance.now();
    const promise = this.read(manager, merchantId)
      .then((state) => {
        this.remember(merchantId, state, readAt);
        return state;
      })
      .finally(() => {
        if (this.reads.get(merchantId)?.promise === promise) this.reads.delete(merchantId);
      });
    if (manager === this.db.manager) this.reads.set(merchantId, { promise, readAt });
    return promise;
  }

  private fresh(readAt: number): boolean {
    return performance.now() - readAt < this.config.clockCacheMs;
  }

  /** What this process knows right after it changed the clock itself. */
  remember(merchantId: string, state: ClockState, readAt = performance.now()): void {
    if (this.config.clockCacheMs === 0) return;
    const known = this.cache.get(merchantId);
    if (!known || known.readAt <= readAt) this.cache.set(merchantId, { state, readAt });
  }

  async read(manager: EntityManager, merchantId: string): Promise<ClockState> {
    const rows: ClockRow[] = await manager.query('SELECT offset_ms, frozen_at FROM test_clocks WHERE merchant_id = $1', [merchantId]);
    return toState(rows[0]);
  }

  /**
   * Locks the merchant's clock row for the caller's transaction (creating it on first use) and
   * returns the clock; undefined when `skipLocked` and someone else holds it. Holding this lock is
   * what makes one process at a time run a merchant's scheduled actions.
   */
  async lock(manager: EntityManager, merchantId: string, skipLocked = false): Promise<ClockState | undefined> {
    await manager.query('INSERT INTO test_clocks (merchant_id) VALUES ($1) ON CONFLICT (merchant_id) DO NOTHING', [merchantId]);
    const rows: ClockRow[] = await manager.query(
      `SELECT offset_ms, frozen_at FROM test_clocks WHERE merchant_id = $1 FOR UPDATE${skipLocked ? ' SKIP LOCKED' : ''}`,
      [merchantId],
    );
    return rows[0] ? toState(rows[0]) : undefined;
  }

  /** Stores a new clock (caller holds the row lock). */
  async write(manager: EntityManager, merchantId: string, state: ClockState): Promise<void> {
    await manager.query(
      `UPDATE test_clocks SET offset_ms = $2, frozen_at = $3, version = version + 1, updated_at = now() WHERE merchant_id = $1`,
      [merchantId, Math.round(state.offsetMs), state.frozenAtMs === null ? null : new Date(state.frozenAtMs)],
    );
  }
}
