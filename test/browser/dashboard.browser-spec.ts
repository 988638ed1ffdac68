/// <reference lib="dom" />
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { bearer, createMerchant, eventually, TestMerchant } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';
import { DashboardBrowser, DESKTOP, itWithScreenshot, launchBrowser, ListeningApp, PHONE, startListeningApp } from './support/browser';

// A real app on a real port, Debian's chromium, a real webhook receiver: slow to start on a loaded machine.
jest.setTimeout(90_000);

const README_SCREENSHOT = resolve(__dirname, '..', '..', 'docs', 'dashboard.png');

describe('dashboard in Chromium (browser)', () => {
  let server: ListeningApp;
  let browser: DashboardBrowser;
  let merchant: TestMerchant;
  let receiver: WebhookReceiver;
  let paymentId: string;
  const test = itWithScreenshot(() => browser?.page);
  const page = (): Page => browser.page;
  const http = () => server.app.http;

  beforeAll(async () => {
    server = await startListeningApp();
    merchant = await createMerchant(http(), 'Browser shop');
    receiver = await WebhookReceiver.start();
    await http().post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url() }).expect(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.app.close();
  });

  async function createPayment(body: Record<string, unknown> = {}): Promise<{ id: string; status: string }> {
    const response = await http().post('/v1/payments').set(bearer(merchant)).send({ amount: 2500, currency: 'usd', ...body }).expect(201);
    return response.body;
  }

  /** Whether this build has a route yet (features land from other issues); see each test's fallback. */
  async function hasRoute(method: 'get' | 'post', path: string): Promise<boolean> {
    const response = await http()[method](path).set(bearer(merchant)).send(method === 'post' ? {} : undefined);
    return !(response.status === 404 && response.body?.error?.code === 'route_not_found');
  }

  const section = (name: string): Locator => page().getByRole('region', { name, exact: true });
  const unavailable = (scope: Locator): Promise<void> => scope.getByText('not available on this server yet').first().waitFor();
  const PANELS: Record<string, string> = {
    Payments: 'Payments', Events: 'Events', 'Webhook endpoints': 'Webhook endpoints', Connectors: 'Connectors',
    Reviews: 'Reviews', Clock: 'Test clock', 'Audit log': 'Audit log',
  };

  /** Follows a navigation link and waits until the panel has finished loading. */
  async function openPanel(link: string): Promise<Locator> {
    await page().getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: link, exact: true }).click();
    const panel = section(PANELS[link]);
    await panel.waitFor();
    await eventually(async () => ((await panel.locator('[aria-busy="true"]').count()) === 0 ? true : undefined));
    return panel;
  }

  test('a wrong API key is refused with a clear message', async () => {
    await page().goto(`${server.baseUrl}/`);
    await page().getByLabel('API key').fill('sk_test_not_a_real_key_at_all');
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().getByRole('alert').filter({ hasText: 'That API key was not accepted.' }).waitFor();
    expect(await page().getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    expect(await page().evaluate(() => sessionStorage.length)).toBe(0);
  });

  test('signs in with an API key, kept in this tab only, and lands on the payments list', async () => {
    await page().getByLabel('API key').fill(merchant.key);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().getByText(`Signed in as Browser shop (${merchant.id})`).waitFor();
    await section('Payments').getByText('No payments match.').waitFor();
    const storage = await page().evaluate(() => ({ session: Object.values(sessionStorage), local: localStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ session: [merchant.key], local: 0, cookie: '' });
    // A reload keeps the session (same tab).
    await page().reload();
    await page().getByText(`Signed in as Browser shop (${merchant.id})`).waitFor();
  });

  test('a payment created through the API appears live: in the feed and the list, no click, no reload', async () => {
    await page().locator('#live-status[data-state="live"]').waitFor();
    // A reload would drop this marker.
    await page().evaluate(() => Object.assign(window, { sameDocument: true }));
    paymentId = (await createPayment({ description: 'browser test' })).id;
    await page().locator('#live-list').getByRole('link', { name: paymentId }).first().waitFor();
    await page().locator('#live-list li[data-type="payment.captured"]').first().waitFor();
    await section('Payments').getByRole('link', { name: paymentId }).waitFor();
    expect(await page().evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await section('Payments').getByRole('row').filter({ hasText: paymentId }).innerText()).toContain('CAPTURED');
  });

  test('the status filter and pages narrow the list', async () => {
    const declined = await createPayment({ simulate: 'card_declined' });
    const list = section('Payments');
    await list.getByLabel('Status').selectOption('FAILED');
    await list.getByRole('link', { name: declined.id }).waitFor();
    expect(await list.getByRole('link', { name: paymentId }).count()).toBe(0);
    await list.getByLabel('Status').selectOption('');
    await list.getByRole('link', { name: paymentId }).waitFor();
    // 20 per page: with 21+ payments, Older shows the rest and Newer comes back.
    for (let i = 0; i < 20; i += 1) await createPayment();
    await list.getByRole('button', { name: 'Refresh' }).click();
    await list.getByRole('button', { name: 'Older' }).click();
    await list.getByText('Page 2').waitFor();
    await list.getByRole('link', { name: paymentId }).waitFor();
    await list.getByRole('button', { name: 'Newer' }).click();
    await list.getByText('Page 1').waitFor();
  });

  test("opens a payment's page with its timeline", async () => {
    await page().goto(`${server.baseUrl}/#/payments/${paymentId}`);
    const summary = section(`Payment ${paymentId}`);
    await summary.getByText('$25.00').waitFor();
    const timeline = section('Timeline');
    await timeline.getByRole('list', { name: 'Timeline, oldest first' }).waitFor();
    const transitions = timeline.locator('li[data-type="transition"]');
    await eventually(async () => ((await transitions.count()) === 3 ? true : undefined));
    expect(await transitions.allInnerTexts()).toEqual([
      expect.stringContaining(`new → CREATED by ${merchant.apiKeyId} from 127.0.0.1`),
      expect.stringContaining('CREATED → AUTHORIZED'),
      expect.stringContaining('AUTHORIZED → CAPTURED'),
    ]);
    expect(await timeline.locator('li[data-type="event"]').count()).toBe(3);
    await timeline.locator('li[data-type="delivery"]').first().waitFor();
    // Every field (request id, user agent…) is under Details.
    await transitions.first().getByText('Details').click();
    await transitions.first().getByText('request_id').waitFor();
  });

  test('resends a webhook delivery from the payment page', async () => {
    const events = await http().get(`/v1/events?payment_id=${paymentId}&type=payment.captured`).set(bearer(merchant)).expect(200);
    const eventId: string = events.body.data[0].id;
    const deliveredTimes = () => receiver.received.filter((request) => request.headers['webhook-id'] === eventId).length;
    await eventually(async () => (deliveredTimes() === 1 ? true : undefined));
    const item = section('Events and webhook deliveries').locator(`li[data-event-id="${eventId}"]`);
    await item.getByRole('button', { name: 'Resend' }).click();
    await item.getByRole('status').filter({ hasText: 'Resend queued: 1 delivery.' }).waitFor();
    await item.getByRole('table', { name: 'Webhook deliveries' }).waitFor();
    await eventually(async () => (deliveredTimes() === 2 ? true : undefined));
    await item.getByRole('button', { name: 'Deliveries' }).click();
    await item.getByRole('button', { name: 'Deliveries' }).click();
    await item.getByText('#2 ').waitFor();
  });

  test('advances the test clock', async () => {
    const clock = await openPanel('Clock');
    const shown = async () => Date.parse(`${(await clock.locator('#clock-now').innerText()).replace(' ', 'T')}`);
    await clock.locator('#clock-now').waitFor();
    const shownBefore = await shown();
    const before = (await http().get('/v1/test-clock').set(bearer(merchant)).expect(200)).body.offset_ms as number;
    await clock.getByLabel('Advance by').fill('2h');
    await clock.getByRole('button', { name: 'Advance' }).click();
    await clock.getByRole('status').filter({ hasText: 'Advanced by 2h' }).waitFor();
    const after = (await http().get('/v1/test-clock').set(bearer(merchant)).expect(200)).body.offset_ms as number;
    expect(after - before).toBeGreaterThanOrEqual(2 * 3600_000);
    expect((await shown()) - shownBefore).toBeGreaterThanOrEqual(2 * 3600_000);
    // The server's refusal (more than 400 days in one call) is shown as an alert; the clock does not move.
    await clock.getByLabel('Advance by').fill('500d');
    await clock.getByRole('button', { name: 'Advance' }).click();
    await clock.getByRole('alert').waitFor();
    expect((await http().get('/v1/test-clock').set(bearer(merchant)).expect(200)).body.offset_ms - after).toBeLessThan(3600_000);
    await clock.getByLabel('Advance by').fill('yesterday');
    await clock.getByRole('button', { name: 'Advance' }).click();
    expect(await clock.getByLabel('Advance by').evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(false);
  });

  test('connectors: health, force the circuit, start an outage', async () => {
    const connectors = await openPanel('Connectors');
    const card = connectors.locator('li[data-connector="stripe_sim"]');
    await card.locator('.health .badge').filter({ hasText: 'closed' }).waitFor();
    await card.getByRole('button', { name: 'Force circuit open' }).click();
    await card.getByRole('status').filter({ hasText: 'circuit forced open' }).waitFor();
    expect((await http().get('/v1/connectors/stripe_sim/health').set(bearer(merchant)).expect(200)).body.circuit).toBe('open');
    await card.getByRole('button', { name: 'Force circuit closed' }).click();
    await card.getByRole('status').filter({ hasText: 'circuit forced closed' }).waitFor();
    expect((await http().get('/v1/connectors/stripe_sim/health').set(bearer(merchant)).expect(200)).body.circuit).toBe('closed');
    await card.getByRole('textbox', { name: 'Outage for' }).fill('5m');
    await card.getByRole('button', { name: 'Start outage' }).click();
    await card.getByRole('status').filter({ hasText: 'started for 5m' }).waitFor();
    expect((await http().get('/v1/connectors/stripe_sim/health').set(bearer(merchant)).expect(200)).body.outage_active).toBe(true);
    await card.getByRole('button', { name: 'End outage' }).click();
    await card.getByRole('status').filter({ hasText: 'outage ended' }).waitFor();
    expect((await http().get('/v1/connectors/stripe_sim/health').set(bearer(merchant)).expect(200)).body.outage_active).toBe(false);
  });

  test('a route this server lacks (404 route_not_found) gives a notice, not an error: panels and live feed', async () => {
    const missing = (path: string) => ({
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ error: { type: 'invalid_request_error', code: 'route_not_found', message: `Unrecognized request URL: ${path}`, request_id: 'req_test' } }),
    });
    await page().route('**/v1/connectors', (route) => route.fulfill(missing('GET /v1/connectors')));
    await page().route('**/v1/stream-tokens', (route) => route.fulfill(missing('POST /v1/stream-tokens')));
    try {
      await page().reload();
      await page().locator('#live-status[data-state="unavailable"]').waitFor();
      expect(await page().locator('#live-status').innerText()).toContain('POST /v1/stream-tokens answered 404 route_not_found');
      const connectors = await openPanel('Connectors');
      await connectors.getByText('Connectors: not available on this server yet.').waitFor();
      await connectors.getByText('GET /v1/connectors answered 404 route_not_found').waitFor();
      expect(await connectors.getByRole('alert').count()).toBe(0);
    } finally {
      await page().unrouteAll();
    }
    await page().reload();
    await page().locator('#live-status[data-state="live"]').waitFor();
  });

  test('reviews: an elevated-risk payment opens a review that can be approved', async () => {
    const reviews = await openPanel('Reviews');
    if (!(await hasRoute('get', '/v1/reviews'))) return unavailable(reviews);
    const reviewed = await createPayment({ payment_method: { type: 'card', card: { number: '4000000000009235', exp_month: 12, exp_year: 2040, cvc: '123' } } });
    await reviews.getByRole('button', { name: 'Refresh' }).click();
    const row = reviews.getByRole('row').filter({ hasText: reviewed.id });
    await row.getByRole('button', { name: /^Approve/ }).click();
    await reviews.getByRole('status').filter({ hasText: 'Approved' }).waitFor();
    const list = await http().get('/v1/reviews?status=closed').set(bearer(merchant)).expect(200);
    expect(list.body.data.find((review: { payment_id: string }) => review.payment_id === reviewed.id)).toMatchObject({ status: 'closed', closed_reason: 'approved' });
  });

  test('events: filter by type', async () => {
    const events = await openPanel('Events');
    await events.getByLabel('Type').selectOption('payment.failed');
    await eventually(async () => {
      const types = await events.locator('li.event .event-head strong').allInnerTexts();
      return types.length > 0 && types.every((type) => type === 'payment.failed') ? true : undefined;
    });
    await events.getByLabel('Type').selectOption('');
    await events.locator('li.event .event-head strong', { hasText: 'payment.captured' }).first().waitFor();
  });

  test('audit log: configuration changes with the actor key and IP', async () => {
    const audit = await openPanel('Audit log');
    await audit.getByLabel('Kind').selectOption('webhook_endpoint');
    const row = audit.getByRole('row').filter({ hasText: 'webhook_endpoint' }).filter({ hasText: 'created' }).first();
    await row.waitFor();
    expect(await row.innerText()).toContain(merchant.apiKeyId);
    expect(await row.innerText()).toContain('127.0.0.1');
  });

  test('every panel loads without an uncaught error (or says its feature is not here yet)', async () => {
    for (const name of ['Events', 'Webhook endpoints', 'Audit log', 'Payments']) {
      const panel = await openPanel(name);
      expect(await panel.getByRole('alert').count()).toBe(0);
    }
    expect(browser.pageErrors).toEqual([]);
  });

  test('landmarks, and a name for every control', async () => {
    for (const role of ['banner', 'navigation', 'main', 'complementary'] as const) {
      expect(await page().getByRole(role).count()).toBeGreaterThanOrEqual(1);
    }
    for (const name of Object.keys(PANELS)) {
      await openPanel(name);
      const unnamed = await page().evaluate(() => {
        const controls = Array.from(document.querySelectorAll<HTMLElement>('input, select, button, a[href]')).filter((el) => el.offsetParent !== null);
        return controls
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            return !labelled && !(el.textContent ?? '').trim();
          })
          .map((el) => el.outerHTML.slice(0, 80));
      });
      expect({ section: name, unnamed }).toEqual({ section: name, unnamed: [] });
    }
  });

  test('fits a phone: nothing scrolls sideways, navigation and actions stay reachable', async () => {
    await page().setViewportSize(PHONE);
    const pages: Array<[string, () => Locator]> = [
      ['#/payments', () => section('Payments').locator('tbody a').first()],
      [`#/payments/${paymentId}`, () => section('Events and webhook deliveries').locator('li.event').first()],
      ['#/events', () => section('Events').locator('li.event').first()],
      ['#/clock', () => section('Test clock').locator('#clock-now, .unavailable').first()],
    ];
    for (const [hash, ready] of pages) {
      await page().goto(`${server.baseUrl}/${hash}`);
      await ready().waitFor();
      const widths = await page().evaluate(() => ({ page: document.documentElement.scrollWidth, view: window.innerWidth }));
      expect({ hash, ...widths }).toEqual({ hash, page: widths.view, view: PHONE.width });
    }
    await page().getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Payments' }).click();
    const link = section('Payments').locator('tbody a').first();
    await link.waitFor();
    const box = await link.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
  });

  test('writes the README screenshot (docs/dashboard.png) at 1280 px', async () => {
    // A fresh merchant with a few varied payments, made while signed in so the live feed fills up.
    await page().setViewportSize(DESKTOP);
    const shop = await createMerchant(http(), 'Acme Store');
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByLabel('API key').fill(shop.key);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().getByText('Signed in as Acme Store').waitFor();
    await page().locator('#live-status[data-state="live"]').waitFor();
    const ids = await seedShowcase(shop);
    const list = section('Payments');
    for (const id of ids) await list.getByRole('link', { name: id }).waitFor();
    await eventually(async () => ((await list.locator('tbody .badge', { hasText: /^REFUNDED$/ }).count()) === 1 ? true : undefined));
    await page().screenshot({ path: README_SCREENSHOT });
  });

  /** Payments in most states, in several currencies. Returns their ids. */
  async function seedShowcase(shop: TestMerchant): Promise<string[]> {
    const create = async (body: Record<string, unknown>) =>
      (await http().post('/v1/payments').set(bearer(shop)).send({ description: 'showcase', ...body }).expect(201)).body.id as string;
    const post = (path: string, body: Record<string, unknown> = {}) => http().post(path).set(bearer(shop)).send(body).expect((r) => expect(r.status).toBeLessThan(300));
    const ids = [
      await create({ amount: 2000, currency: 'usd' }),
      await create({ amount: 129900, currency: 'eur', simulate: 'insufficient_funds' }),
      await create({ amount: 5000, currency: 'eur', capture_method: 'manual' }),
      await create({ amount: 4200, currency: 'gbp' }),
      await create({ amount: 15000, currency: 'jpy' }),
      await create({ amount: 899, currency: 'usd', simulate: 'card_declined' }),
      await create({ amount: 250000, currency: 'inr', capture_method: 'manual' }),
      await create({ amount: 7500, currency: 'usd' }),
    ];
    await post(`/v1/payments/${ids[2]}/capture`, { amount: 3000 });
    await post(`/v1/payments/${ids[3]}/refunds`, { amount: 1000 });
    await post(`/v1/payments/${ids[7]}/refunds`);
    return ids;
  }

  test('sign out forgets the key', async () => {
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByLabel('API key').waitFor();
    expect(await page().evaluate(() => sessionStorage.length)).toBe(0);
    await page().reload();
    await page().getByLabel('API key').waitFor();
    expect(await page().getByRole('main').count()).toBe(0);
  });
});
