import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { bearer, TestApp, TestMerchant } from './test-app';

/** Helpers for payments that wait for the customer (3-D Secure, UPI, M-Pesa). */

export interface Payment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  capture_method: string;
  amount_captured: number;
  failure_code: string | null;
  failure_message: string | null;
  next_action: Record<string, any> | null;
  payment_method: Record<string, any>;
  updated_at: string;
  [key: string]: unknown;
}

export const card = (number: string) => ({ type: 'card', card: { number, exp_month: 12, exp_year: 2040 } });
export const upi = (vpa: string | undefined, flow: 'collect' | 'intent' = 'collect', extra: Record<string, unknown> = {}) => ({
  type: 'upi',
  upi: { ...(vpa === undefined ? {} : { vpa }), flow, ...extra },
});
export const mpesa = (phone: string) => ({ type: 'mpesa', mpesa: { phone } });

export class CustomerSteps {
  constructor(
    private readonly app: TestApp,
    readonly merchant: TestMerchant,
  ) {}

  private get http(): TestAgent {
    return this.app.http;
  }

  async create(body: Record<string, unknown>, status = 201): Promise<Payment> {
    const response = await this.http.post('/v1/payments').set(bearer(this.merchant)).send({ amount: 2000, currency: 'usd', ...body });
    if (response.status !== status) throw new Error(`create answered ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }

  card3ds(number: string, extra: Record<string, unknown> = {}) {
    return this.create({ payment_method: card(number), ...extra });
  }

  upi(vpa: string | undefined, flow: 'collect' | 'intent' = 'collect', extra: Record<string, unknown> = {}, upiExtra: Record<string, unknown> = {}) {
    return this.create({ currency: 'inr', payment_method: upi(vpa, flow, upiExtra), ...extra });
  }

  mpesa(phone: string, extra: Record<string, unknown> = {}) {
    return this.create({ currency: 'kes', amount: 10_000, payment_method: mpesa(phone), ...extra });
  }

  async get(id: string): Promise<Payment> {
    return (await this.http.get(`/v1/payments/${id}`).set(bearer(this.merchant)).expect(200)).body;
  }

  act(id: string, action: string) {
    return this.http.post(`/v1/payments/${id}/customer-action`).set(bearer(this.merchant)).send({ action });
  }

  async advance(by: string): Promise<{ now: string }> {
    return (await this.http.post('/v1/test-clock/advance').set(bearer(this.merchant)).send({ by }).expect(200)).body;
  }

  async now(): Promise<Date> {
    return new Date((await this.http.get('/v1/test-clock').set(bearer(this.merchant)).expect(200)).body.now);
  }

  /** Event types of the payment, oldest first. */
  async eventTypes(id: string): Promise<string[]> {
    const response = await this.http.get(`/v1/events?payment_id=${id}&limit=100`).set(bearer(this.merchant)).expect(200);
    return response.body.data.map((event: { type: string }) => event.type).reverse();
  }

  /** (from → to, event) of every history row, oldest first. */
  async history(id: string): Promise<string[]> {
    const rows: Array<{ from_status: string | null; to_status: string; event: string }> = await this.app.sandbox.app
      .get(DataSource)
      .query('SELECT from_status, to_status, event FROM payment_history WHERE payment_id = $1 ORDER BY id', [id]);
    return rows.map((row) => `${row.from_status ?? '∅'}>${row.to_status}:${row.event}`);
  }
}
