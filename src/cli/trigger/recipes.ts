import { advanceClock, cancelPayment, card, connectorOutage, createPayment, endConnectorOutage, forceCircuit, RecipeStep, refundPayment } from './recipe-steps';

export interface Recipe {
  description: string;
  steps: RecipeStep[];
}

/**
 * How `payment-sandbox trigger <type>` produces each event type the sandbox emits: one entry per
 * type. A new event type on the server needs one entry here (a unit test compares this table with
 * the event types of openapi.json).
 */
export const RECIPES: Record<string, Recipe> = {
  'payment.created': { description: 'a payment (automatic capture)', steps: [createPayment()] },
  'payment.authorized': { description: 'a payment with manual capture', steps: [createPayment({ capture_method: 'manual' })] },
  'payment.captured': { description: 'a payment (automatic capture)', steps: [createPayment()] },
  'payment.failed': { description: 'a payment declined with card_declined', steps: [createPayment({ simulate: 'card_declined' })] },
  'payment.canceled': { description: 'a manual-capture payment, then canceled', steps: [createPayment({ capture_method: 'manual' }), cancelPayment()] },
  'payment.partially_refunded': { description: 'a payment, then a partial refund', steps: [createPayment(), refundPayment({ amount: 500 })] },
  'payment.refunded': { description: 'a payment, then a full refund', steps: [createPayment(), refundPayment()] },
  'payment.requires_action': {
    description: 'a card payment with a 3-D Secure challenge (left pending)',
    steps: [createPayment({ payment_method: card('4000002760003184'), three_d_secure: 'required' })],
  },
  'payment.processing': {
    description: 'an M-Pesa STK push (the customer answers after 3 s on the merchant clock)',
    steps: [createPayment({ amount: 10000, currency: 'kes', payment_method: { type: 'mpesa', mpesa: { phone: '254708374149' } } })],
  },
  'refund.succeeded': { description: 'a payment, then a full refund', steps: [createPayment(), refundPayment()] },
  'refund.failed': { description: 'a payment, then a refund with simulate refund_failure', steps: [createPayment(), refundPayment({ simulate: 'refund_failure' })] },
  'payment.attempt_failed': {
    description: 'an outage on adyen_sim, a EUR card from Germany (falls back to stripe_sim), the outage ended',
    steps: [connectorOutage('adyen_sim'), createPayment({ currency: 'eur', payment_method: card('4000002760000016') }), endConnectorOutage('adyen_sim')],
  },
  'refund.pending': { description: 'a payment, then a refund that fails later (simulate fail_later)', steps: [createPayment(), refundPayment({ simulate: 'fail_later' })] },
  'payment.refund_reverted': {
    description: 'a payment, a refund that fails later, then the merchant clock advanced 1 h (the refund fails, the payment goes back)',
    steps: [createPayment(), refundPayment({ simulate: 'fail_later' }), advanceClock('1h')],
  },
  'connector.circuit_opened': { description: "stripe_sim's circuit forced open, then closed again", steps: [forceCircuit('stripe_sim', 'open'), forceCircuit('stripe_sim', 'closed', 'close')] },
  'review.opened': { description: 'a payment with the elevated-risk test card (the default review rule opens a review)', steps: [createPayment({ payment_method: card('4000000000009235') })] },
  'review.closed': {
    description: 'a payment with the elevated-risk test card, then a refund (closes its review as refunded)',
    steps: [createPayment({ payment_method: card('4000000000009235') }), refundPayment()],
  },
  'connector.circuit_closed': { description: "stripe_sim's circuit forced open, then closed", steps: [forceCircuit('stripe_sim', 'open'), forceCircuit('stripe_sim', 'closed', 'close')] },
};
