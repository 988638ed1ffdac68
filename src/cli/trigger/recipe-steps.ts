import type { SandboxClient, Schemas } from '../../../clients/typescript';
import { unwrap } from '../transport';

export type Payment = Schemas['PaymentView'];
export type Refund = Schemas['RefundView'];

/** What a recipe's steps produced so far (the ids `trigger` prints and searches events by). */
export interface TriggerState {
  payment?: Payment;
  refund?: Refund;
}

/** One request of a recipe. `name` is the prefix of `--override name.field=value`. */
export interface RecipeStep {
  name: string;
  method: 'post' | 'patch' | 'put';
  /** The OpenAPI path template, used to check override paths against openapi.json. */
  route: string;
  body: Record<string, unknown>;
  run(client: SandboxClient, body: Record<string, unknown>, state: TriggerState): Promise<TriggerState>;
}

type CreatePaymentBody = Schemas['CreatePaymentDto'];
type CreateRefundBody = Schemas['CreateRefundDto'];

export function card(number: string): NonNullable<CreatePaymentBody['payment_method']> {
  return { type: 'card', card: { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 } };
}

/** The body every recipe payment starts from (the card is there so `--override payment.payment_method.card.number=…` works). */
export const DEFAULT_PAYMENT = { amount: 2000, currency: 'usd', description: 'payment-sandbox trigger', payment_method: card('4242424242424242') };

function paymentOf(state: TriggerState): Payment {
  if (!state.payment) throw new Error('recipe error: this step needs a payment created by an earlier step');
  return state.payment;
}

export function createPayment(body: Partial<CreatePaymentBody> = {}): RecipeStep {
  return {
    name: 'payment',
    method: 'post',
    route: '/v1/payments',
    body: { ...DEFAULT_PAYMENT, ...body },
    run: async (client, payload) => ({
      payment: unwrap('POST /v1/payments', await client.POST('/v1/payments', { body: payload as CreatePaymentBody })),
    }),
  };
}

export function cancelPayment(): RecipeStep {
  return {
    name: 'cancel',
    method: 'post',
    route: '/v1/payments/{id}/cancel',
    body: {},
    run: async (client, payload, state) => {
      const id = paymentOf(state).id;
      return { payment: unwrap(`POST /v1/payments/${id}/cancel`, await client.POST('/v1/payments/{id}/cancel', { params: { path: { id } }, body: payload })) };
    },
  };
}

export function capturePayment(body: Schemas['CapturePaymentDto'] = {}): RecipeStep {
  return {
    name: 'capture',
    method: 'post',
    route: '/v1/payments/{id}/capture',
    body,
    run: async (client, payload, state) => {
      const id = paymentOf(state).id;
      return { payment: unwrap(`POST /v1/payments/${id}/capture`, await client.POST('/v1/payments/{id}/capture', { params: { path: { id } }, body: payload })) };
    },
  };
}

export function refundPayment(body: Partial<CreateRefundBody> = {}): RecipeStep {
  return {
    name: 'refund',
    method: 'post',
    route: '/v1/payments/{id}/refunds',
    body,
    run: async (client, payload, state) => {
      const id = paymentOf(state).id;
      const refund = unwrap(`POST /v1/payments/${id}/refunds`, await client.POST('/v1/payments/{id}/refunds', { params: { path: { id } }, body: payload as CreateRefundBody }));
      return { refund };
    },
  };
}

/** An outage on a connector for `for` (merchant clock): every call to it fails technically meanwhile. */
export function connectorOutage(connector: string, body: Schemas['CreateOutageDto'] = { for: '1m', mode: 'http_5xx' }): RecipeStep {
  return {
    name: 'outage',
    method: 'post',
    route: '/v1/connectors/{id}/outages',
    body,
    run: async (client, payload) => {
      unwrap(`POST /v1/connectors/${connector}/outages`, await client.POST('/v1/connectors/{id}/outages', { params: { path: { id: connector } }, body: payload as Schemas['CreateOutageDto'] }));
      return {};
    },
  };
}

/** Ends a connector's outage (so a recipe leaves the merchant's connectors as it found them). */
export function endConnectorOutage(connector: string): RecipeStep {
  return {
    name: 'end_outage',
    method: 'post',
    route: '/v1/connectors/{id}/outages',
    body: {},
    run: async (client) => {
      unwrap(`DELETE /v1/connectors/${connector}/outages`, await client.DELETE('/v1/connectors/{id}/outages', { params: { path: { id: connector } } }));
      return {};
    },
  };
}

/** Forces a connector's circuit open or closed. */
export function forceCircuit(connector: string, state: 'open' | 'closed', name: string = state): RecipeStep {
  return {
    name,
    method: 'post',
    route: '/v1/connectors/{id}/circuit',
    body: { state },
    run: async (client, payload) => {
      unwrap(`POST /v1/connectors/${connector}/circuit`, await client.POST('/v1/connectors/{id}/circuit', { params: { path: { id: connector } }, body: payload as Schemas['ForceCircuitDto'] }));
      return {};
    },
  };
}
