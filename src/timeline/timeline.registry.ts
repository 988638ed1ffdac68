import { Injectable } from '@nestjs/common';
import { TimelineEntry, TimelineSource } from './timeline-source';

/** The sources of payment timelines; each feature module registers its own (payments, events, webhooks, later attempts and reviews). */
@Injectable()
export class TimelineRegistry {
  private readonly sources: TimelineSource[] = [];

  register(source: TimelineSource): void {
    if (!this.sources.includes(source)) this.sources.push(source);
  }

  /** Every source's entries, merged in time order; ties keep source rank, then each source's own order. */
  async collect(merchantId: string, paymentId: string): Promise<TimelineEntry[]> {
    const ranked = [...this.sources].sort((a, b) => a.rank - b.rank);
    const lists = await Promise.all(ranked.map((source) => source.entries(merchantId, paymentId)));
    return mergeByTime(lists);
  }
}

/** Stable merge: entries sort by `at`; equal times keep the order of `lists` and of each list. */
export function mergeByTime(lists: TimelineEntry[][]): TimelineEntry[] {
  return lists
    .flatMap((list, listIndex) => list.map((entry, index) => ({ entry, listIndex, index, time: Date.parse(entry.at) })))
    .sort((a, b) => a.time - b.time || a.listIndex - b.listIndex || a.index - b.index)
    .map((item) => item.entry);
}
