import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

interface EventRow {
  id: string;
  type: string;
  sequence: number | null;
  data: { object: { id: string } };
}

let keySeq = 0;
function newKey(label: string): string {
  keySeq += 1;
  return `${label}-${process.pid}-${Date.now()}-${keySeq}`;
}

describe('ordered events and byte-identical replays (e2e)', () => {
  let app: TestApp;
  let merchant: TestMerchant;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    app = await startTestApp({ DATABASE_POOL_SIZE: '12' });
    merchant = await createMerchant(app.http, 'Ordering merchant');
  });

  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  async function pay(body: Record<string, unknown> = {}): Promise<{ id: string }> {
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 2000, currency: 'usd', ...body }).expect(201)).body;
  }

  /** The payment's events, oldest id first. */
  async function eventsOf(paymentId: string): Promise<EventRow[]> {
    const response = await app.http.get(`/v1/events?payment_id=${paymentId}&limit=100`).set(bearer(merchant)).expect(200);
    return (response.body.data as EventRow[]).reverse();
  }

  function expectOrdered(events: EventRow[]): void {
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
    expect([...events].sort((a, b) => (a.id < b.id ? -1 : 1)).map((event) => event.id)).toEqual(events.map((event) => event.id));
  }

  describe('event sequence', () => {
    it('a refunded payment has strictly increasing sequence in transition order, ids in the same order', async () => {
      const paid = await pay();
      const refund = (path: string, body: Record<string, unknown>) => app.http.post(path).set(bearer(merchant)).send(body).expect(201);
      await refund(`/v1/payments/${paid.id}/refunds`, { amount: 500 });
      await refund(`/v1/payments/${paid.id}/refunds`, { simulate: 'refund_failure' });
      await refund(`/v1/payments/${paid.id}/refunds`, {});
      const events = await eventsOf(paid.id);
      expect(events.map((event) => event.type)).toEqual([
        'payment.created',
        'payment.authorized',
        'payment.captured',
        'refund.succeeded',
        'payment.partially_refunded',
        'refund.failed',
        'refund.succeeded',
        'payment.refunded',
      ]);
      expectOrdered(events);
    });

    it('concurrent refunds of one payment still number its events 1..n without gaps or ties', async () => {
      const paid = await pay({ amount: 1000 });
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => app.http.post(`/v1/payments/${paid.id}/refunds`).set(bearer(merchant)).send({ amount: 100 })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
      const events = await eventsOf(paid.id);
      expect(events).toHaveLength(3 + 8 * 2);
      expectOrdered(events);
    });

    it('webhook payloads carry the same sequence', async () => {
      const path = `/ordering/${process.pid}`;
      await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(path) }).expect(201);
      const paid = await pay({ capture_method: 'manual' });
      await app.http.post(`/v1/payments/${paid.id}/capture`).set(bearer(merchant)).send({}).expect(200);
      const expected = await eventsOf(paid.id);
      const delivered = await eventually(async () => {
        const bodies = receiver.received
          .filter((request) => request.path === path)
          .map((request) => JSON.parse(request.body) as EventRow)
          .filter((event) => event.data.object.id === paid.id);
        return bodies.length >= expected.length ? bodies : undefined;
      });
      const byId = new Map(delivered.map((event) => [event.id, event.sequence]));
      expect(expected.map((event) => byId.get(event.id))).toEqual([1, 2, 3]);
    });
  });

  describe('idempotent replays', () => {
    function post(path: string, body: Record<string, unknown> | string, key: string) {
      const request = app.http.post(path).set(bearer(merchant)).set('Idempotency-Key', key);
      return typeof body === 'string' ? request.type('form').send(body) : request.send(body);
    }

    it('replay bodies are byte-identical to the first answer (metadata key order kept)', async () => {
      const key = newKey('bytes');
      const body = { amount: 1234, currency: 'usd', metadata: { zeta: '1', alpha: '2', middle_key: '3', b: '4' } };
      const first = await post('/v1/payments', body, key).expect(201);
      expect(Object.keys(first.body.metadata)).toEqual(['zeta', 'alpha', 'middle_key', 'b']);
      const replay = await post('/v1/payments', body, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['content-type']).toBe(first.headers['content-type']);
      expect(replay.text).toBe(first.text);
    });

    it('also for refunds, form bodies and stored errors', async () => {
      const paid = await pay();
      const refundKey = newKey('refund');
      const refund = await post(`/v1/payments/${paid.id}/refunds`, { amount: 300, reason: 'duplicate' }, refundKey).expect(201);
      expect((await post(`/v1/payments/${paid.id}/refunds`, { amount: 300, reason: 'duplicate' }, refundKey).expect(201)).text).toBe(refund.text);

      const formKey = newKey('form');
      const form = 'amount=700&currency=usd&metadata[z]=1&metadata[a]=2';
      const viaForm = await post('/v1/payments', form, formKey).expect(201);
      expect((await post('/v1/payments', form, formKey).expect(201)).text).toBe(viaForm.text);

      const errorKey = newKey('error');
      const refused = await post(`/v1/payments/${paid.id}/capture`, {}, errorKey).expect(409);
      const again = await post(`/v1/payments/${paid.id}/capture`, {}, errorKey).expect(409);
      expect(again.headers['idempotent-replayed']).toBe('true');
      // request_id is the first request's: the answer is replayed, not recomputed.
      expect(again.text).toBe(refused.text);
    });

    it('a 409 in-flight answer carries Retry-After', async () => {
      const key = newKey('slow');
      const body = { amount: 500, currency: 'usd', simulate_delay_ms: 2000 };
      const first = post('/v1/payments', body, key).then((response) => response);
      const during = await eventually(async () => {
        const response = await post('/v1/payments', body, key);
        return response.status === 409 ? response : undefined;
      });
      expect(during.body.error.code).toBe('idempotency_key_in_use');
      expect(during.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect((await first).status).toBe(201);
    });
  });
});
