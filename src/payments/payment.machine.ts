import { setup, assign, transition } from 'xstate';

export const PAYMENT_STATUSES = [
  'CREATED',
  'REQUIRES_ACTION',
  'PROCESSING',
  'AUTHORIZED',
  'CAPTURED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'FAILED',
  'CANCELED',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** How the customer pays: decides which customer step (if any) a payment may wait in. */
export const PAYMENT_METHOD_TYPES = ['card', 'upi', 'mpesa'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

/** The one failure a payment can come back from: a UPI collect that expired, then answered late. */
export const LATE_AUTHORIZABLE_FAILURE = 'payment_expired';

export interface PaymentContext {
  amount: number;
  amountCaptured: number;
  amountRefunded: number;
  failureCode: string | null;
  method: PaymentMethodType;
}

export type PaymentEvent =
  | { type: 'AUTHORIZE' }
  | { type: 'DECLINE'; failureCode: string }
  | { type: 'REQUIRE_ACTION' }
  | { type: 'PROCESS' }
  | { type: 'EXPIRE'; failureCode: string }
  | { type: 'LATE_AUTHORIZE' }
  | { type: 'CAPTURE'; amount: number }
  | { type: 'FAIL_CAPTURE'; failureCode: string }
  | { type: 'CANCEL'; reason?: CancellationReason }
  | { type: 'REFUND'; amount: number };

export type PaymentEventType = PaymentEvent['type'];

export const CANCELLATION_REASONS = ['requested', 'authorization_expired'] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

export const PAYMENT_EVENT_TYPES: readonly PaymentEventType[] = [
  'AUTHORIZE',
  'DECLINE',
  'REQUIRE_ACTION',
  'PROCESS',
  'EXPIRE',
  'LATE_AUTHORIZE',
  'CAPTURE',
  'FAIL_CAPTURE',
  'CANCEL',
  'REFUND',
];

/** Events whose guard checks an amount: a refusal by their guard is `invalid_amount`, by any other guard `invalid_state`. */
const AMOUNT_EVENTS: readonly PaymentEventType[] = ['CAPTURE', 'REFUND'];

export interface PersistedPayment {
  status: PaymentStatus;
  amount: number;
  amountCaptured: number;
  amountRefunded: number;
  failureCode: string | null;
  /** Absent on v1 rows and fixtures: a card. */
  method?: PaymentMethodType;
}

export type TransitionResult =
  | {
      ok: true;
      from: PaymentStatus;
      to: PaymentStatus;
      context: PaymentContext;
      events: string[];
    }
  | { ok: false; reason: 'invalid_state' | 'invalid_amount' };

interface StatusEventParams {
  status: PaymentStatus;
}

const EMIT_STATUS_EVENT = 'emitStatusEvent';

export function statusEventName(status: PaymentStatus): string {
  return `payment.${status.toLowerCase()}`;
}

function isPositiveIntegerUpTo(amount: number, max: number): boolean {
  return Number.isInteger(amount) && amount > 0 && amount <= max;
}

function remainingRefundable(context: PaymentContext): number {
  return context.amountCaptured - context.amountRefunded;
}

function isValidRefund(context: PaymentContext, event: PaymentEvent): event is { type: 'REFUND'; amount: number } {
  return event.type === 'REFUND' && isPositiveIntegerUpTo(event.amount, remainingRefundable(context));
}

/** Parameterized action telling the caller which domain event to publish. */
function emit(status: PaymentStatus) {
  return { type: EMIT_STATUS_EVENT, params: { status } } as const;
}

/**
 * How a pending customer step ends: the bank authorizes, declines (failed authentication,
 * cancelled by the customer, wrong PIN…), the step expires, or the merchant cancels the payment.
 */
const CUSTOMER_STEP_EXITS = {
  AUTHORIZE: { target: 'AUTHORIZED', actions: [emit('AUTHORIZED')] },
  DECLINE: { target: 'FAILED', actions: ['setFailureCode', emit('FAILED')] },
  EXPIRE: { target: 'FAILED', actions: ['setFailureCode', emit('FAILED')] },
  CANCEL: { target: 'CANCELED', actions: [emit('CANCELED')] },
} as const;

export const paymentMachine = setup({
  types: {
    context: {} as PaymentContext,
    events: {} as PaymentEvent,
  },
  guards: {
    isCard: ({ context }) => context.method === 'card',
    isAsynchronousMethod: ({ context }) => context.method === 'upi' || context.method === 'mpesa',
    // FAILED is final except for this one documented path (design-v2 §2, late@sandbox).
    isExpiredUpi: ({ context }) =>
      context.method === 'upi' && context.failureCode === LATE_AUTHORIZABLE_FAILURE && context.amountCaptured === 0,
    isValidCapture: ({ context, event }) =>
      event.type === 'CAPTURE' && isPositiveIntegerUpTo(event.amount, context.amount),
    isFullRefund: ({ context, event }) =>
      isValidRefund(context, event) && context.amountRefunded + event.amount === context.amountCaptured,
    isPartialRefund: ({ context, event }) =>
      isValidRefund(context, event) && context.amountRefunded + event.amount < context.amountCaptured,
  },
  actions: {
    // Intentionally a no-op: `transition()` only collects actions, the caller publishes the event.
    emitStatusEvent: (_args, _params: StatusEventParams) => undefined,
    setFailureCode: assign({
      failureCode: ({ event }) =>
        event.type === 'DECLINE' || event.type === 'FAIL_CAPTURE' || event.type === 'EXPIRE' ? event.failureCode : null,
    }),
    clearFailureCode: assign({ failureCode: () => null }),
    setCaptured: assign({
      amountCaptured: ({ context, event }) =>
        event.type === 'CAPTURE' ? event.amount : context.amountCaptured,
    }),
    addRefund: assign({
      amountRefunded: ({ context, event }) =>
        event.type === 'REFUND' ? context.amountRefunded + event.amount : context.amountRefunded,
    }),
  },
}).createMachine({
  id: 'payment',
  initial: 'CREATED',
  context: { amount: 0, amountCaptured: 0, amountRefunded: 0, failureCode: null, method: 'card' },
  states: {
    CREATED: {
      on: {
        AUTHORIZE: { target: 'AUTHORIZED', actions: [emit('AUTHORIZED')] },
        DECLINE: { target: 'FAILED', actions: ['setFailureCode', emit('FAILED')] },
        REQUIRE_ACTION: { guard: 'isCard', target: 'REQUIRES_ACTION', actions: [emit('REQUIRES_ACTION')] },
        PROCESS: { guard: 'isAsynchronousMethod', target: 'PROCESSING', actions: [emit('PROCESSING')] },
      },
    },
    // The customer must act (a 3-D Secure challenge).
    REQUIRES_ACTION: { on: CUSTOMER_STEP_EXITS },
    // Sent to the customer's phone or bank (UPI, M-Pesa); the answer comes later.
    PROCESSING: { on: CUSTOMER_STEP_EXITS },
    AUTHORIZED: {
      on: {
        CAPTURE: { guard: 'isValidCapture', target: 'CAPTURED', actions: ['setCaptured', emit('CAPTURED')] },
        FAIL_CAPTURE: { target: 'FAILED', actions: ['setFailureCode', emit('FAILED')] },
        CANCEL: { target: 'CANCELED', actions: [emit('CANCELED')] },
      },
    },
    CAPTURED: {
      on: {
        REFUND: [
          { guard: 'isFullRefund', target: 'REFUNDED', actions: ['addRefund', emit('REFUNDED')] },
          {
            guard: 'isPartialRefund',
            target: 'PARTIALLY_REFUNDED',
            actions: ['addRefund', emit('PARTIALLY_REFUNDED')],
          },
        ],
      },
    },
    PARTIALLY_REFUNDED: {
      on: {
        REFUND: [
          { guard: 'isFullRefund', target: 'REFUNDED', actions: ['addRefund', emit('REFUNDED')] },
          {
            guard: 'isPartialRefund',
            target: 'PARTIALLY_REFUNDED',
            actions: ['addRefund', emit('PARTIALLY_REFUNDED')],
          },
        ],
      },
    },
    REFUNDED: { type: 'final' },
    // Not an XState final node only because of the guarded late authorization (UPI only).
    FAILED: {
      on: {
        LATE_AUTHORIZE: { guard: 'isExpiredUpi', target: 'AUTHORIZED', actions: ['clearFailureCode', emit('AUTHORIZED')] },
      },
    },
    CANCELED: { type: 'final' },
  },
});

/** REQUIRES_ACTION and PROCESSING: a customer step is pending (the payment has a next_action). */
export function isWaitingForCustomer(status: PaymentStatus): boolean {
  return status === 'REQUIRES_ACTION' || status === 'PROCESSING';
}

function isPaymentStatus(value: unknown): value is PaymentStatus {
  return typeof value === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** State-level check: does `status` have any transition for `type`, ignoring guards? */
export function acceptsEventType(status: PaymentStatus, type: PaymentEventType): boolean {
  const node = paymentMachine.states[status];
  return node !== undefined && node.ownEvents.includes(type);
}

function toContext(payment: PersistedPayment): PaymentContext {
  return {
    amount: payment.amount,
    amountCaptured: payment.amountCaptured,
    amountRefunded: payment.amountRefunded,
    failureCode: payment.failureCode,
    method: payment.method ?? 'card',
  };
}

function isStatusEventParams(params: unknown): params is StatusEventParams {
  return typeof params === 'object' && params !== null && isPaymentStatus((params as { status?: unknown }).status);
}

function eventsFromActions(actions: ReadonlyArray<{ type: string; params: unknown }>): string[] {
  return actions.flatMap((action) =>
    action.type === EMIT_STATUS_EVENT && isStatusEventParams(action.params)
      ? [statusEventName(action.params.status)]
      : [],
  );
}

/**
 * The single authority on payment legality. Pure: rebuilds the snapshot from persisted
 * data and computes the next one without running any action.
 */
export function applyPaymentEvent(payment: PersistedPayment, event: PaymentEvent): TransitionResult {
  if (!acceptsEventType(payment.status, event.type)) {
    return { ok: false, reason: 'invalid_state' };
  }
  const snapshot = paymentMachine.resolveState({ value: payment.status, context: toContext(payment) });
  if (!snapshot.can(event)) {
    return { ok: false, reason: AMOUNT_EVENTS.includes(event.type) ? 'invalid_amount' : 'invalid_state' };
  }
  const [next, actions] = transition(paymentMachine, snapshot, event);
  if (!isPaymentStatus(next.value)) {
    throw new Error(`Unexpected payment state value: ${JSON.stringify(next.value)}`);
  }
  return {
    ok: true,
    from: payment.status,
    to: next.value,
    context: { ...next.context },
    events: eventsFromActions(actions),
  };
}
