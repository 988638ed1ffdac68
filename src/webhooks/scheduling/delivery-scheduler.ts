/**
 * Hands delivery ids (already committed, status pending) to whatever runs the attempts.
 * Two adapters, chosen by config: BullMQ (REDIS_URL set) and an in-process database poller.
 * Scheduling is best effort: the database is the source of truth, and the sweeper (BullMQ) or
 * the poller (in-process) picks up anything a failed schedule call missed.
 */
export interface DeliveryScheduler {
  /** New deliveries, right after the transaction that created them committed. */
  schedule(deliveryIds: string[]): Promise<void>;
  /** Existing deliveries to attempt now (resend, sweeper): replaces a finished job, promotes a delayed one. */
  reschedule(deliveryIds: string[]): Promise<void>;
}

export const DELIVERY_SCHEDULER = Symbol('DeliveryScheduler');
