import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { performance } from 'node:perf_hooks';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { sleep } from '../common/sleep';
import { ScheduledActionsService } from '../scheduling/scheduled-actions.service';
import { ClockService } from './clock.service';
import { advanceTarget, ClockState, freeze, merchantNowMs, moveTo, unfreeze } from './clock-state';
import { AdvanceClockDto } from './dto/advance-clock.dto';
import { TestClockView, toTestClockView } from './dto/test-clock.view';

/** Namespace of the per-merchant advisory lock every clock change holds (the second key is the merchant's hash). */
const CLOCK_LOCK_CLASS = 1_763_811;

/**
 * The test-clock routes. A change (advance, freeze, unfreeze) holds the merchant's advisory lock
 * from start to answer, so changes of one merchant run one after the other across all processes;
 * it commits the new clock, runs (advance) every action that fell due, in due order, then waits
 * out CLOCK_CACHE_MS so no process can still read the old time once it answers.
 */
@Injectable()
export class TestClockService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: ClockService,
    private readonly actions: ScheduledActionsService,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<TestClockView> {
    return toTestClockView(await this.clock.state(actor.merchantId));
  }

  async advance(actor: Actor, dto: AdvanceClockDto): Promise<TestClockView> {
    return this.change(actor, 'advanced', (state, wall) => moveTo(state, advanceTarget(dto, merchantNowMs(state, wall)), wall), true);
  }

  async freeze(actor: Actor): Promise<TestClockView> {
    return this.change(actor, 'frozen', freeze, false);
  }

  async unfreeze(actor: Actor): Promise<TestClockView> {
    return this.change(actor, 'unfrozen', unfreeze, false);
  }

  private async change(
    actor: Actor,
    action: 'advanced' | 'frozen' | 'unfrozen',
    next: (state: ClockState, wallMs: number) => ClockState,
    runDueWork: boolean,
  ): Promise<TestClockView> {
    const merchantId = actor.merchantId;
    return this.exclusively(merchantId, async (runner) => {
      const { state, committedAt } = await this.commit(runner, actor, action, next);
      if (runDueWork) {
        await this.clock.advanced(runner.manager, merchantId, new Date(merchantNowMs(state, Date.now())));
        await this.actions.drain(runner, merchantId);
      }
      // Until then another process may still serve the clock it read before our commit.
      await sleep(committedAt + this.clock.cacheMs - performance.now());
      // Work scheduled meanwhile by a process that read the old clock (due before our time): run it too.
      if (runDueWork) await this.actions.drain(runner, merchantId);
      return toTestClockView(state);
    });
  }

  /** Locks the clock row, computes the new clock (may throw a 400: nothing changes), stores it with its audit entry. */
  private async commit(runner: QueryRunner, actor: Actor, action: string, next: (state: ClockState, wallMs: number) => ClockState) {
    const merchantId = actor.merchantId;
    await runner.startTransaction();
    let state: ClockState;
    try {
      const current = (await this.clock.lock(runner.manager, merchantId))!;
      const wallMs = Date.now();
      state = next(current, wallMs);
      await this.clock.write(runner.manager, merchantId, state);
      await this.recordChange(runner, actor, action, current, state, wallMs);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    const committedAt = performance.now();
    this.clock.remember(merchantId, state, committedAt);
    return { state, committedAt };
  }

  /** The audit entry of a clock change, stamped with the merchant time the change was asked at. */
  private recordChange(runner: QueryRunner, actor: Actor, action: string, before: ClockState, after: ClockState, wallMs: number): Promise<void> {
    const from = new Date(merchantNowMs(before, wallMs));
    const details = { from: from.toISOString(), to: new Date(merchantNowMs(after, wallMs)).toISOString(), frozen: after.frozenAtMs !== null };
    return this.clock.runAt(actor.merchantId, from, () => this.audit.record(runner.manager, actor, { kind: 'clock', action, details }));
  }

  /** Runs `work` holding the merchant's clock advisory lock, on one connection (also the embedded pool of one). */
  private async exclusively<T>(merchantId: string, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1, hashtext($2))', [CLOCK_LOCK_CLASS, merchantId]);
      try {
        return await work(runner);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [CLOCK_LOCK_CLASS, merchantId]);
      }
    } finally {
      await runner.release();
    }
  }
}
