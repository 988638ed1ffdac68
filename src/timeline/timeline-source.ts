/** The kinds of entry a payment's timeline holds (design-v2 §6). */
export const TIMELINE_ENTRY_TYPES = ['transition', 'attempt', 'event', 'delivery', 'review', 'simulated_fault'] as const;
export type TimelineEntryType = (typeof TIMELINE_ENTRY_TYPES)[number];

/** One thing that happened to a payment. `at` is merchant time (ISO 8601); the rest depends on `type`. */
export interface TimelineEntry {
  type: TimelineEntryType;
  at: string;
  [field: string]: unknown;
}

/**
 * A module that knows part of a payment's story contributes it by implementing this and registering
 * with TimelineRegistry (in onModuleInit). The caller has already checked the payment belongs to the merchant.
 * Entries with the same `at` keep the sources' `rank` order (transition before event before delivery).
 */
export interface TimelineSource {
  readonly type: TimelineEntryType;
  readonly rank: number;
  entries(merchantId: string, paymentId: string): Promise<TimelineEntry[]>;
}
