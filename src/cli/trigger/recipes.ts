import { cancelPayment, createPayment, RecipeStep, refundPayment } from './recipe-steps';

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
  'refund.succeeded': { description: 'a payment, then a full refund', steps: [createPayment(), refundPayment()] },
  'refund.failed': { description: 'a payment, then a refund with simulate refund_failure', steps: [createPayment(), refundPayment({ simulate: 'refund_failure' })] },
};
