import { DomainError } from '../common/errors/domain-error';
import { parseEventTypes, parseLastEventId } from './stream-filter';

describe('parseEventTypes', () => {
  it('expands wildcards and keeps exact types', () => {
    expect(parseEventTypes(['refund.*'])).toEqual(['refund.pending', 'refund.succeeded', 'refund.failed']);
    expect(parseEventTypes(['payment.captured'])).toEqual(['payment.captured']);
    expect(parseEventTypes(['*', 'payment.captured'])).toBeUndefined();
    expect(parseEventTypes(undefined)).toBeUndefined();
  });

  it('refuses unknown types and empty wildcards with the param', () => {
    for (const bad of ['payment.exploded', 'nothing.*', '']) {
      expect(() => parseEventTypes([bad])).toThrow(DomainError);
    }
    try {
      parseEventTypes(['payment.exploded']);
    } catch (error) {
      expect((error as DomainError).param).toBe('types');
    }
  });
});

describe('parseLastEventId', () => {
  it('accepts event ids and refuses anything else', () => {
    expect(parseLastEventId('evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V', 'Last-Event-ID')).toBe('evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V');
    expect(parseLastEventId(undefined, 'x')).toBeUndefined();
    expect(() => parseLastEventId("evt_' OR 1=1", 'Last-Event-ID')).toThrow(DomainError);
  });
});
