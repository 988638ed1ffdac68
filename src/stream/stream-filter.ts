import { DomainError } from '../common/errors/domain-error';
import { EventEntity } from '../events/entities/event.entity';
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-event-types';

/** Which of a merchant's events a live stream receives. */
export interface StreamFilter {
  paymentId?: string;
  /** Exact types; undefined = every type. */
  types?: string[];
}

const KNOWN_TYPES = new Set<string>(WEBHOOK_EVENT_TYPES);

/**
 * `types` as given (`payment.captured`, `payment.*`, `*`) → the exact types it names, or undefined for all.
 * An unknown type or a wildcard matching none is a 400 naming `param`.
 */
export function parseEventTypes(requested: string[] | undefined, param = 'types'): string[] | undefined {
  if (!requested || requested.length === 0 || requested.includes(ALL_EVENTS)) return undefined;
  const types = new Set<string>();
  for (const raw of requested) {
    const type = raw.trim();
    const matches = type.endsWith('.*') ? WEBHOOK_EVENT_TYPES.filter((known) => known.startsWith(type.slice(0, -1))) : KNOWN_TYPES.has(type) ? [type] : [];
    if (matches.length === 0) {
      throw new DomainError('parameter_invalid', `Unknown event type '${type}'. Use *, a prefix such as payment.*, or one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`, param);
    }
    matches.forEach((match) => types.add(match));
  }
  return [...types];
}

export function matchesFilter(filter: StreamFilter, event: EventEntity): boolean {
  if (filter.paymentId && event.paymentId !== filter.paymentId) return false;
  return !filter.types || filter.types.includes(event.type);
}

const EVENT_ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;

/** A resume cursor (Last-Event-ID): must look like an event id; only ever compared within the caller's events. */
export function parseLastEventId(value: string | undefined, param: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!EVENT_ID.test(value)) throw new DomainError('parameter_invalid', `${param} must be an event id such as evt_01JD4C1Z0K3M5N7P9Q2R4S6T8V.`, param);
  return value;
}
