import { EntityManager } from 'typeorm';

/** What to schedule: `kind` names the handler, `dueAt` is merchant time, `payload` is JSON. */
export interface ScheduleRequest {
  merchantId: string;
  kind: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
  /** Optional: a second schedule with the same (merchant, kind, dedupeKey) while one is pending is a no-op; cancel() takes it. */
  dedupeKey?: string;
}

/** A pending action handed to its handler. */
export interface ScheduledAction {
  id: string;
  merchantId: string;
  kind: string;
  dueAt: Date;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  /** Earlier runs that failed (0 on the first run). */
  attempts: number;
}

export interface ActionContext {
  /** The run's transaction: write everything through it. It commits together with the action's "done" mark. */
  manager: EntityManager;
  /** The action's due time; ClockService.now(merchantId) reads the same while the handler runs. */
  now: Date;
  /** Work to run once the run has committed (e.g. hand new webhook deliveries to the queue). */
  afterCommit(work: () => void): void;
}

/**
 * Runs one action. At-least-once: a crash before the commit runs it again, so it must be idempotent
 * (look at the current state, e.g. "is the payment still AUTHORIZED?"). Throwing rolls back what it
 * wrote; the action is retried later (backoff on the wall clock), and marked failed after 10 attempts.
 */
export type ActionHandler = (action: ScheduledAction, context: ActionContext) => Promise<void>;
