import { DataSource } from 'typeorm';
import { bearer, TestApp, TestMerchant } from './test-app';

const YEAR = new Date().getUTCFullYear() + 3;

/** Test cards by issuing country (Stripe's digits 7-9 convention; 4111… is unknown to the sandbox). */
export const CARDS = { US: '4242424242424242', DE: '4000002760000016', IN: '4000003560000008', GB: '4000008260000000', unknown: '4111111111111111' };
export const card = (number: string) => ({ type: 'card', card: { number, exp_month: 12, exp_year: YEAR } });

export interface Attempt {
  connector: string;
  status: string;
  error: string | null;
  reason: string;
}

export const connectorsOf = (attempts: Attempt[]) => attempts.map((attempt) => attempt.connector);

type Body = Record<string, unknown>;

/** The calls the connector, routing and breaker specs make, each expecting its status (`app` once started). */
export function routingClient(current: () => TestApp) {
  const db = () => current().sandbox.app.get(DataSource);
  const http = () => current().http;
  return {
    pay: (merchant: TestMerchant, body: Body, status = 201) =>
      http().post('/v1/payments').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', ...body }).expect(status),
    evaluate: (merchant: TestMerchant, body: Body, status = 200) =>
      http().post('/v1/routing/evaluate').set(bearer(merchant)).send({ amount: 1000, currency: 'usd', ...body }).expect(status),
    outage: (merchant: TestMerchant, id: string, body: Body = { for: '5m' }) =>
      http().post(`/v1/connectors/${id}/outages`).set(bearer(merchant)).send(body).expect(201),
    patchConnector: (merchant: TestMerchant, id: string, body: Body, status = 200) =>
      http().patch(`/v1/connectors/${id}`).set(bearer(merchant)).send(body).expect(status),
    putRouting: (merchant: TestMerchant, body: Body, status = 200) => http().put('/v1/routing').set(bearer(merchant)).send(body).expect(status),
    health: async (merchant: TestMerchant, id: string) => (await http().get(`/v1/connectors/${id}/health`).set(bearer(merchant)).expect(200)).body,
    eventsOf: async (merchant: TestMerchant, type: string) =>
      (await http().get(`/v1/events?type=${type}&limit=100`).set(bearer(merchant)).expect(200)).body.data as Array<{ data: { object: Body } }>,
    paymentCount: async (merchant: TestMerchant) =>
      Number((await db().query('SELECT count(*) AS n FROM payments WHERE merchant_id = $1', [merchant.id]))[0].n),
  };
}
