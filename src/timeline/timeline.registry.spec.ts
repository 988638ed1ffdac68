import { mergeByTime } from './timeline.registry';
import { TimelineEntry } from './timeline-source';

const entry = (type: TimelineEntry['type'], at: string, id: string): TimelineEntry => ({ type, at, id });

describe('mergeByTime', () => {
  it('orders by time and keeps source order for equal times', () => {
    const transitions = [entry('transition', '2026-01-01T00:00:00.000Z', 't1'), entry('transition', '2026-01-01T00:00:02.000Z', 't2')];
    const events = [entry('event', '2026-01-01T00:00:00.000Z', 'e1'), entry('event', '2026-01-01T00:00:01.000Z', 'e2')];
    const deliveries = [entry('delivery', '2025-12-31T23:59:59.000Z', 'd0')];
    expect(mergeByTime([transitions, events, deliveries]).map((item) => item.id)).toEqual(['d0', 't1', 'e1', 'e2', 't2']);
  });
});
