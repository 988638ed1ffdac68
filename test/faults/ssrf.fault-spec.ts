import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { bearer, createMerchant, eventually, startTestApp, TestApp, TestMerchant } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Scenario 9 (SSRF switch), at the API/process level. test/webhooks.e2e-spec.ts already covers the
 * plain literals (127.0.0.1, localhost, 10/8, 172.16/12, 192.168/16, 169.254.169.254, [::1],
 * [::ffff:127.0.0.1], the decimal integer form) at registration; this file covers the gaps: other
 * spellings of loopback, trailing-dot FQDNs, names that resolve to loopback through /etc/hosts,
 * PATCH, range boundaries, and delivery to endpoints that really reach a local receiver when the
 * switch is off and must not once it is on.
 */

/** Names (other than localhost) that /etc/hosts maps to a loopback address: resolvable offline. */
function loopbackHostNames(): string[] {
  const names = new Set<string>();
  for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address?.startsWith('127.')) continue;
    for (const alias of aliases) if (alias && !/localhost/i.test(alias)) names.add(alias);
  }
  return [...names];
}

async function resolvesToLoopback(name: string): Promise<boolean> {
  try {
    return (await lookup(name, { all: true })).some(({ address }) => address.startsWith('127.') || address === '::1');
  } catch {
    return false;
  }
}

const REGISTRATION_REFUSED = [
  'http://0x7f000001/hook', // hex integer
  'http://0x7f.0.0.1/hook', // hex octet
  'http://0177.0.0.1/hook', // octal octet
  'http://127.1/hook', // short form
  'http://127.255.255.254/hook',
  'http://LOCALHOST/hook',
  'http://localhost./hook', // trailing-dot FQDN of localhost
  'http://api.localhost./hook',
  'http://169.254.169.254./latest/meta-data',
  'http://[::ffff:7f00:1]/hook', // mapped loopback, hex tail
  'http://[0:0:0:0:0:ffff:127.0.0.1]/hook', // mapped loopback, long form
  'http://[::ffff:a9fe:a9fe]/latest', // mapped 169.254.169.254
  'http://[::ffff:10.0.0.1]/hook',
  'http://[::]/hook',
  'http://10.255.255.255/hook',
  'http://172.31.255.255/hook',
  'http://192.168.255.255/hook',
  'http://100.64.0.1/hook', // CGNAT
  'https://127.0.0.1:8443/hook',
];

/** Just outside the private ranges: must stay accepted (the guard is not a blanket refusal). */
const REGISTRATION_ACCEPTED = ['http://172.32.0.1/hook', 'http://192.169.0.1/hook', 'http://11.0.0.1/hook', 'http://169.255.0.1/hook'];

describe('SSRF switch at registration (fault)', () => {
  let api: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;
  let names: string[];

  beforeAll(async () => {
    api = await startTestApp({ PROCESS_ROLE: 'api', WEBHOOK_BLOCK_PRIVATE_URLS: 'true' });
    db = api.sandbox.app.get(DataSource);
    merchant = await createMerchant(api.http, 'ssrf registration');
    names = [];
    for (const name of [...loopbackHostNames(), hostname()]) if (!names.includes(name) && (await resolvesToLoopback(name))) names.push(name);
  });

  afterAll(async () => {
    await api.http.delete('/v1/merchants/me').set(bearer(merchant));
    await api.close();
  });

  const endpointCount = async () =>
    (await db.query('SELECT count(*)::int AS n FROM webhook_endpoints WHERE merchant_id = $1', [merchant.id]))[0].n as number;

  it('refuses every loopback/private spelling, names resolving to loopback, and PATCH to one; accepts the boundaries', async () => {
    // Without a name that really resolves to loopback through DNS (not the localhost special case), the test proves less.
    expect(names.length).toBeGreaterThan(0);
    const refused = [...REGISTRATION_REFUSED, ...names.map((name) => `http://${name}:8080/hook`), ...names.map((name) => `http://${name.toUpperCase()}/x`)];
    const before = await endpointCount();
    const outcomes: Record<string, number> = {};
    for (const url of refused) {
      const response = await api.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url });
      outcomes[url] = response.status;
      if (response.status === 400) {
        expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'webhook_url_not_allowed', param: 'url' });
      }
    }
    expect(Object.entries(outcomes).filter(([, status]) => status !== 400)).toEqual([]);
    expect(await endpointCount()).toBe(before);

    const accepted: string[] = [];
    for (const url of REGISTRATION_ACCEPTED) {
      const response = await api.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url }).expect(201);
      accepted.push(response.body.id);
    }

    // PATCH is a second way in: moving a public endpoint to a private target is refused and changes nothing.
    const target = accepted[0];
    const original = (await api.http.get(`/v1/webhook-endpoints/${target}`).set(bearer(merchant)).expect(200)).body;
    let patchRefused = 0;
    for (const url of ['http://127.0.0.1/x', 'http://0x7f000001/x', 'http://[::ffff:7f00:1]/x', 'http://localhost./x', `http://${names[0]}/x`]) {
      const response = await api.http.patch(`/v1/webhook-endpoints/${target}`).set(bearer(merchant)).send({ url }).expect(400);
      expect(response.body.error).toMatchObject({ code: 'webhook_url_not_allowed', param: 'url' });
      patchRefused += 1;
    }
    expect((await api.http.get(`/v1/webhook-endpoints/${target}`).set(bearer(merchant)).expect(200)).body).toEqual(original);

    console.log(
      JSON.stringify({
        scenario: 'ssrf-registration',
        refused: refused.length,
        patch_refused: patchRefused,
        accepted_boundaries: accepted.length,
        loopback_names: names,
      }),
    );
  });
});

describe('SSRF switch at delivery (fault)', () => {
  let receiver: WebhookReceiver;
  let merchant: TestMerchant;
  let endpointIds: string[];
  let urls: string[];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await receiver.close();
  });

  async function createPayment(app: TestApp): Promise<string> {
    return (await app.http.post('/v1/payments').set(bearer(merchant)).send({ amount: 100, currency: 'usd' }).expect(201)).body.id;
  }

  async function paymentCreatedEvent(app: TestApp, paymentId: string): Promise<string> {
    const list = await app.http.get(`/v1/events?payment_id=${paymentId}&type=payment.created`).set(bearer(merchant)).expect(200);
    return list.body.data[0].id;
  }

  it('endpoints registered while blocking was off reach the receiver; with blocking on they are refused at connect time', async () => {
    const names: string[] = [];
    for (const name of [...loopbackHostNames(), hostname()]) if (!names.includes(name) && (await resolvesToLoopback(name))) names.push(name);
    expect(names.length).toBeGreaterThan(0);
    const port = receiver.port;
    urls = [
      `http://127.0.0.1:${port}/v4`,
      `http://localhost:${port}/localhost`,
      `http://[::ffff:127.0.0.1]:${port}/mapped`,
      `http://0x7f000001:${port}/hex`,
      `http://2130706433:${port}/decimal`,
      `http://127.1:${port}/short`,
      ...names.map((name) => `http://${name}:${port}/name-${name}`),
    ];

    // Phase 1: the switch is off. Register through the API and prove every URL really reaches the local receiver.
    const open = await startTestApp({ WEBHOOK_BLOCK_PRIVATE_URLS: 'false', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' });
    try {
      merchant = await createMerchant(open.http, 'ssrf delivery');
      endpointIds = [];
      for (const url of urls) {
        const response = await open.http
          .post('/v1/webhook-endpoints')
          .set(bearer(merchant))
          .send({ url, enabled_events: ['payment.created'] })
          .expect(201);
        endpointIds.push(response.body.id);
      }
      const firstEvent = await paymentCreatedEvent(open, await createPayment(open));
      const reached = await eventually(async () => {
        const paths = new Set(receiver.received.filter((r) => r.headers['webhook-id'] === firstEvent).map((r) => r.path));
        return paths.size === urls.length ? paths : undefined;
      });
      expect(reached.size).toBe(urls.length);
    } finally {
      await open.close();
    }
    const receivedWhileOpen = receiver.received.length;

    // Phase 2: same database, the switch on. New events for those endpoints must never leave the process.
    const guarded = await startTestApp({ WEBHOOK_BLOCK_PRIVATE_URLS: 'true', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_TIMEOUT_MS: '2000' });
    try {
      const eventId = await paymentCreatedEvent(guarded, await createPayment(guarded));
      // Every delivery runs its whole retry schedule (50ms,100ms,200ms → 4 attempts) and ends failed.
      const deliveries = await eventually(async () => {
        const list = (await guarded.http.get(`/v1/events/${eventId}/deliveries`).set(bearer(merchant)).expect(200)).body.data as Array<{
          endpoint_id: string;
          status: string;
          attempts: Array<{ response_status: number | null; error: string | null }>;
        }>;
        return list.length === urls.length && list.every((d) => d.status === 'failed') ? list : undefined;
      }, 15_000);
      let attempts = 0;
      for (const delivery of deliveries) {
        expect(endpointIds).toContain(delivery.endpoint_id);
        expect(delivery.attempts.length).toBeGreaterThan(0);
        for (const attempt of delivery.attempts) {
          expect(attempt).toMatchObject({ response_status: null, error: expect.stringContaining('private address') });
          attempts += 1;
        }
      }
      // A resend is one more way out: still refused.
      await guarded.http.post(`/v1/events/${eventId}/resend`).set(bearer(merchant)).send({}).expect(202);
      await eventually(async () => {
        const list = (await guarded.http.get(`/v1/events/${eventId}/deliveries`).set(bearer(merchant)).expect(200)).body.data as Array<{
          attempts: Array<{ error: string | null }>;
        }>;
        const total = list.reduce((sum, d) => sum + d.attempts.length, 0);
        return total > attempts && list.every((d) => d.attempts.every((a) => a.error?.includes('private address'))) ? total : undefined;
      });
      expect(receiver.received.length).toBe(receivedWhileOpen);
      expect(receiver.received.filter((r) => r.headers['webhook-id'] === eventId)).toHaveLength(0);
      console.log(
        JSON.stringify({
          scenario: 'ssrf-delivery',
          endpoints: urls.length,
          reached_while_off: urls.length,
          refused_attempts_while_on: attempts,
          requests_reaching_receiver_while_on: receiver.received.length - receivedWhileOpen,
        }),
      );
    } finally {
      await guarded.http.delete('/v1/merchants/me').set(bearer(merchant));
      await guarded.close();
    }
  }, 30_000);
});
