/** Every event type an endpoint can subscribe to; `*` subscribes to all of them. */
export const WEBHOOK_EVENT_TYPES = [
  'payment.created',
  'payment.requires_action',
  'payment.processing',
  'payment.authorized',
  'payment.captured',
  'payment.partially_refunded',
  'payment.refunded',
  'payment.failed',
  'payment.canceled',
  'payment.attempt_failed',
  'payment.refund_reverted',
  'refund.pending',
  'refund.succeeded',
  'refund.failed',
  'review.opened',
  'review.closed',
  'connector.circuit_opened',
  'connector.circuit_closed',
] as const;

export const ALL_EVENTS = '*';
export const SUBSCRIBABLE_EVENTS: readonly string[] = [ALL_EVENTS, ...WEBHOOK_EVENT_TYPES];
