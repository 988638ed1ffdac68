import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from './support/test-app';
import { isEmbeddedTestMode, TEST_REDIS_URL } from './support/test-env';
import { baseUrl, openSse, openWs, SseClient, WsClient } from './support/live-clients';
import { deleteRedisPrefix, uniqueRedisPrefix } from './support/webhook-receiver';

jest.setTimeout(40_000);

const STREAM_ENV = { STREAM_HEARTBEAT_MS: '100' };

describe('live stream: SSE and WebSocket (e2e)', () => {
  let app: TestApp;
  let url: string;
  let merchant: TestMerchant;
  let other: TestMerchant;
  const open: Array<{ close(): void }> = [];

  beforeAll(async () => {
    app = await startTestApp(STREAM_ENV);
    url = await baseUrl(app);
    merchant = await createMerchant(app.http, 'Stream merchant');
    other = await createMerchant(app.http, 'Other merchant');
  });

  afterEach(() => open.splice(0).forEach((client) => client.close()));

  afterAll(async () => {
    for (const m of [merchant, other]) await app.http.delete('/v1/merchants/me').set(bearer(m));
    await app.close();
  });

  const sse = async (query = '', headers: Record<string, string> = bearer(merchant)): Promise<SseClient> => {
    const client = await openSse(`${url}/v1/events/stream${query}`, headers);
    open.push(client);
    return client;
  };
  const ws = async (query = '', headers: Record<string, string> = bearer(merchant)): Promise<WsClient> => {
    const client = await openWs(`${url.replace('http', 'ws')}/v1/ws${query}`, headers);
    open.push(client);
    return client;
  };
  const pay = async (owner = merchant, body: Record<string, unknown> = {}) =>
    (await app.http.post('/v1/payments').set(bearer(owner)).send({ amount: 1000, currency: 'usd', ...body }).expect(201)).body;
  const ids = (client: SseClient) => client.messages.map((message) => message.id);

  describe('SSE', () => {
    it('streams each committed event with its id and type, the webhook body as data, and heartbeats', async () => {
      const client = await sse();
      expect(client.status).toBe(200);
      expect(client.headers['content-type']).toMatch(/^text\/event-stream/);
      const payment = await pay();
      await eventually(async () => (client.messages.length >= 3 ? true : undefined));
      expect(client.messages.map((message) => message.event)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
      const stored = await app.http.get(`/v1/events/${client.messages[2].id}`).set(bearer(merchant)).expect(200);
      expect(JSON.parse(client.messages[2].data)).toEqual(stored.body);
      expect(stored.body.data.object.id).toBe(payment.id);
      await eventually(async () => (client.comments.filter((comment) => comment.includes('heartbeat')).length >= 2 ? true : undefined));
    });

    it('filters by types (wildcards too) and by payment_id', async () => {
      const captured = await sse('?types=payment.captured,refund.*');
      const all = await sse();
      const first = await pay(merchant, { capture_method: 'manual' });
      // The stream fans events out after commit: subscribe by payment only once its first two events went out.
      await eventually(async () => (all.messages.some((message) => message.event === 'payment.authorized') ? true : undefined));
      const byPayment = await sse(`?payment_id=${first.id}`);
      await pay();
      await app.http.post(`/v1/payments/${first.id}/capture`).set(bearer(merchant)).expect(200);
      await app.http.post(`/v1/payments/${first.id}/refunds`).set(bearer(merchant)).send({ amount: 100 }).expect(201);
      await eventually(async () => (captured.messages.length >= 3 && byPayment.messages.length >= 3 ? true : undefined));
      expect(captured.messages.map((message) => message.event)).toEqual(['payment.captured', 'payment.captured', 'refund.succeeded']);
      // In the order the events were recorded (ids ascending); the refund records its own event first.
      expect(byPayment.messages.map((message) => message.event).sort()).toEqual(['payment.captured', 'payment.partially_refunded', 'refund.succeeded']);
      expect([...ids(byPayment)].sort()).toEqual(ids(byPayment));
      expect(byPayment.messages.every((message) => JSON.parse(message.data).data.object.id === first.id || JSON.parse(message.data).data.object.payment_id === first.id)).toBe(true);
    });

    it('resumes with Last-Event-ID: what was missed comes from the table, in order, then live events, no duplicates', async () => {
      // A merchant of its own: no late event of an earlier test can slip into the count.
      const owner = await createMerchant(app.http, 'Resume merchant');
      const first = await sse('', bearer(owner));
      await pay(owner);
      await eventually(async () => (first.messages.length >= 3 ? true : undefined));
      const lastSeen = first.messages[2].id!;
      first.close();
      const missed = [await pay(owner, { simulate: 'card_declined' }), await pay(owner)];
      const resumed = await sse('', { ...bearer(owner), 'Last-Event-ID': lastSeen });
      await eventually(async () => (resumed.messages.length >= 5 ? true : undefined));
      expect(resumed.messages.map((message) => message.event)).toEqual([
        'payment.created',
        'payment.failed',
        'payment.created',
        'payment.authorized',
        'payment.captured',
      ]);
      expect(resumed.messages.map((message) => JSON.parse(message.data).data.object.id)).toEqual([missed[0].id, missed[0].id, missed[1].id, missed[1].id, missed[1].id]);
      const live = await pay(owner);
      await eventually(async () => (resumed.messages.length >= 8 ? true : undefined));
      expect(resumed.messages.slice(5).every((message) => JSON.parse(message.data).data.object.id === live.id)).toBe(true);
      expect(new Set(ids(resumed)).size).toBe(ids(resumed).length);
      expect([...ids(resumed)].sort()).toEqual(ids(resumed));
      // The query parameter does the same for clients that cannot set the header.
      const viaQuery = await sse(`?last_event_id=${lastSeen}&types=payment.failed`, bearer(owner));
      await eventually(async () => (viaQuery.messages.length >= 1 ? true : undefined));
      expect(viaQuery.messages[0].event).toBe('payment.failed');
    });

    it('never shows one merchant the events of another', async () => {
      const mine = await sse();
      const theirs = await sse('', bearer(other));
      await pay(other);
      await pay();
      await eventually(async () => (mine.messages.length >= 3 && theirs.messages.length >= 3 ? true : undefined));
      const owners = async (client: SseClient, owner: TestMerchant) => {
        for (const message of client.messages) await app.http.get(`/v1/events/${message.id}`).set(bearer(owner)).expect(200);
      };
      await owners(mine, merchant);
      await owners(theirs, other);
      // A resume cursor from another merchant only positions in time: it shows nothing of theirs.
      const cursor = await sse('', { ...bearer(merchant), 'Last-Event-ID': theirs.messages[0].id! });
      await eventually(async () => (cursor.messages.length >= 3 ? true : undefined));
      await owners(cursor, merchant);
    });

    it.each([
      ['?types=payment.exploded', 400, 'types'],
      ['?types=nothing.*', 400, 'types'],
      ['?payment_id=pay_01JD4C1Z0K3M5N7P9Q2R4S6T8V', 404, 'payment_id'],
      ['?last_event_id=nope', 400, 'last_event_id'],
      ['?colour=blue', 400, 'colour'],
    ])('refuses %s with %d naming %s, as JSON, not a stream', async (query, status, param) => {
      const client = await sse(query);
      expect(client.status).toBe(status);
      expect(JSON.parse(client.body).error.param).toBe(param);
    });

    it("refuses another merchant's payment_id (404) and a bad Last-Event-ID header (400)", async () => {
      const theirs = await pay(other);
      const foreign = await sse(`?payment_id=${theirs.id}`);
      expect(foreign.status).toBe(404);
      expect(JSON.parse(foreign.body).error).toMatchObject({ code: 'resource_missing', param: 'payment_id' });
      const badHeader = await sse('', { ...bearer(merchant), 'Last-Event-ID': "evt_' OR 1=1" });
      expect(badHeader.status).toBe(400);
      expect(JSON.parse(badHeader.body).error.param).toBe('Last-Event-ID');
    });

    it('authenticates by API key or by a short-lived stream token (for EventSource), nothing else', async () => {
      expect((await sse('', {})).status).toBe(401);
      expect((await sse('?token=sst_forged')).status).toBe(200); // the header wins when both are present
      expect((await sse('?token=sst_forged', {})).status).toBe(401);
      const issued = await app.http.post('/v1/stream-tokens').set(bearer(merchant)).send({}).expect(201);
      expect(issued.body).toMatchObject({ object: 'stream_token', token: expect.stringMatching(/^sst_/), expires_at: expect.any(String) });
      await app.http.post('/v1/stream-tokens').set(bearer(merchant)).send({ merchant_id: other.id }).expect(400);
      await app.http.post('/v1/stream-tokens').set(bearer(merchant)).send({ ttl_seconds: 5 }).expect(400);
      const viaToken = await sse(`?token=${issued.body.token}`, {});
      expect(viaToken.status).toBe(200);
      await pay();
      await eventually(async () => (viaToken.messages.length >= 3 ? true : undefined));
      // The token opens streams only: it is not an API key.
      await app.http.get(`/v1/payments?token=${issued.body.token}`).expect(401);
      await app.http.get('/v1/payments').set(bearer(issued.body.token)).expect(401);
    });

    it('stops accepting a stream token once it expires', async () => {
      const shortLived = await startTestApp({ ...STREAM_ENV, STREAM_TOKEN_TTL: '1s' });
      try {
        const owner = await createMerchant(shortLived.http, 'Short-lived tokens');
        const issued = await shortLived.http.post('/v1/stream-tokens').set(bearer(owner)).expect(201);
        expect(Date.parse(issued.body.expires_at) - Date.now()).toBeLessThanOrEqual(1_000);
        const shortUrl = await baseUrl(shortLived);
        const before = await openSse(`${shortUrl}/v1/events/stream?token=${issued.body.token}`);
        expect(before.status).toBe(200);
        before.close();
        await eventually(async () => {
          const after = await openSse(`${shortUrl}/v1/events/stream?token=${issued.body.token}`);
          after.close();
          return after.status === 401 ? true : undefined;
        });
      } finally {
        await shortLived.close();
      }
    });
  });

  describe('WebSocket', () => {
    it('subscribes to the merchant or to one payment and receives the webhook body of each event', async () => {
      const all = await ws();
      all.send({ type: 'subscribe' });
      await eventually(async () => (all.messages[0]?.type === 'subscribed' ? true : undefined));
      const payment = await pay(merchant, { capture_method: 'manual' });
      // The stream is live from the moment it subscribes: wait until this payment's own events have
      // gone past (the bus is asynchronous), so the payment's subscriber below starts after them.
      await eventually(async () => (all.messages.length >= 1 + 2 ? true : undefined));
      const one = await ws();
      one.send({ type: 'subscribe', payment_id: payment.id });
      await eventually(async () => (one.messages[0]?.type === 'subscribed' ? true : undefined));
      await pay();
      await app.http.post(`/v1/payments/${payment.id}/capture`).set(bearer(merchant)).expect(200);
      await eventually(async () => (all.messages.length >= 1 + 6 && one.messages.length >= 2 ? true : undefined));
      expect(one.messages.slice(1).map((message) => message.event.type)).toEqual(['payment.captured']);
      const stored = await app.http.get(`/v1/events/${one.messages[1].event.id}`).set(bearer(merchant)).expect(200);
      expect(one.messages[1]).toEqual({ type: 'event', event: stored.body });
      one.send({ type: 'ping' });
      await eventually(async () => (one.messages.at(-1)?.type === 'pong' ? true : undefined));
    });

    it.each([
      ['not json', 'invalid_json', undefined],
      ['[1,2]', 'invalid_json', undefined],
      [JSON.stringify({ type: 'subscribe', sneaky: true }), 'parameter_unknown', 'sneaky'],
      [JSON.stringify({ type: 'dance' }), 'parameter_invalid', 'type'],
      [JSON.stringify({ type: 'subscribe', types: ['payment.exploded'] }), 'parameter_invalid', 'types'],
    ])('answers %s with an error frame and closes', async (frame, code, param) => {
      const client = await ws();
      client.send(frame);
      await eventually(async () => (client.closeCode !== undefined ? true : undefined));
      expect(client.closeCode).toBe(1008);
      expect(client.messages).toEqual([{ type: 'error', error: expect.objectContaining({ code, ...(param ? { param } : {}) }) }]);
    });

    it("refuses to subscribe to another merchant's payment (error frame, close) and leaks nothing", async () => {
      const theirs = await pay(other);
      const client = await ws();
      client.send({ type: 'subscribe', payment_id: theirs.id });
      await eventually(async () => (client.closeCode !== undefined ? true : undefined));
      expect(client.messages).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'resource_missing', param: 'payment_id' }) }]);
      const mine = await ws();
      mine.send({ type: 'subscribe' });
      await eventually(async () => (mine.messages[0]?.type === 'subscribed' ? true : undefined));
      await pay(other);
      const own = await pay();
      await eventually(async () => (mine.messages.length >= 4 ? true : undefined));
      expect(mine.messages.slice(1).every((message) => message.event.data.object.id === own.id)).toBe(true);
    });

    it('authenticates the upgrade by API key or stream token', async () => {
      await expect(ws('', {})).rejects.toMatchObject({ status: 401 });
      await expect(ws('', bearer('sk_test_nope'))).rejects.toMatchObject({ status: 401 });
      const issued = await app.http.post('/v1/stream-tokens').set(bearer(merchant)).expect(201);
      const client = await ws(`?token=${issued.body.token}`, {});
      client.send({ type: 'subscribe' });
      await eventually(async () => (client.messages[0]?.type === 'subscribed' ? true : undefined));
      await expect(openWs(`${url.replace('http', 'ws')}/v1/elsewhere`, bearer(merchant))).rejects.toMatchObject({ status: 404 });
    });
  });
});

/**
 * Two API processes on one database: an event committed through one reaches a stream held by the
 * other (Postgres LISTEN/NOTIFY without Redis; Redis pub/sub with it). Embedded mode has one process
 * by design (PGlite serves one connection), so there both roles are the same app.
 */
describe('live stream across processes (e2e)', () => {
  const embedded = isEmbeddedTestMode();

  async function crossProcess(env: Record<string, string>): Promise<void> {
    const writer = await startTestApp({ ...STREAM_ENV, ...env });
    const reader = embedded ? writer : await startTestApp({ ...STREAM_ENV, ...env, PROCESS_ROLE: 'api' });
    try {
      const merchant = await createMerchant(writer.http, 'Cross-process merchant');
      const readerUrl = await baseUrl(reader);
      const socket = await openWs(`${readerUrl.replace('http', 'ws')}/v1/ws`, bearer(merchant));
      const stream = await openSse(`${readerUrl}/v1/events/stream`, bearer(merchant));
      try {
        socket.send({ type: 'subscribe' });
        await eventually(async () => (socket.messages[0]?.type === 'subscribed' ? true : undefined));
        const payment = await writer.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 500, currency: 'gbp' }).expect(201);
        await eventually(async () => (socket.messages.length >= 4 && stream.messages.length >= 3 ? true : undefined));
        expect(socket.messages.slice(1).map((message) => message.event.data.object.id)).toEqual([payment.body.id, payment.body.id, payment.body.id]);
        expect(stream.messages.map((message) => message.event)).toEqual(['payment.created', 'payment.authorized', 'payment.captured']);
      } finally {
        socket.close();
        stream.close();
        await writer.http.delete('/v1/merchants/me').set(bearer(merchant));
      }
    } finally {
      if (reader !== writer) await reader.close();
      await writer.close();
    }
  }

  it('delivers an event committed by one process to the WebSocket and SSE clients of another (Postgres NOTIFY / embedded)', async () => {
    await crossProcess({});
  });

  it('does the same over Redis pub/sub when REDIS_URL is set', async () => {
    const prefix = uniqueRedisPrefix('stream');
    try {
      await crossProcess(embedded ? {} : { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
    } finally {
      if (!embedded) await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    }
  });
});
