import { CustomerSteps, Payment } from './support/customer-steps';
import { bearer, createMerchant, startTestApp, TestApp } from './support/test-app';

jest.setTimeout(60_000);

/** The challenge page behind next_action.redirect_to_url, driven over HTTP as a browser would. */
describe('3-D Secure challenge page (e2e)', () => {
  let app: TestApp;
  let s: CustomerSteps;

  beforeAll(async () => {
    app = await startTestApp({ PUBLIC_URL: 'https://sandbox.example:8443' });
    s = new CustomerSteps(app, await createMerchant(app.http, '3ds-page'));
  });

  afterAll(async () => {
    await app.close();
  });

  /** The page's path: next_action's url lives under PUBLIC_URL. */
  function pagePath(payment: Payment): string {
    const url = new URL(payment.next_action!.redirect_to_url.url);
    expect(url.origin).toBe('https://sandbox.example:8443');
    return url.pathname;
  }

  const choose = (path: string, choice: string) => app.http.post(path).type('form').send(`choice=${choice}`);

  it('GET shows a plain HTML form (no external assets, no scripts) with Complete, Fail and Cancel posting back', async () => {
    const payment = await s.card3ds('4000002760003184', { return_url: 'https://shop.example/return?order=7' });
    const path = pagePath(payment);
    const page = await app.http.get(path).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain(payment.id);
    expect(page.text).toContain('$20.00');
    expect(page.text).toContain('3184');
    for (const [choice, label] of [['complete', 'Complete'], ['fail', 'Fail'], ['cancel', 'Cancel']]) {
      expect(page.text).toContain(`<form method="post" action="${path}"><input type="hidden" name="choice" value="${choice}">`);
      expect(page.text).toContain(`>${label}</button>`);
    }
    expect(page.text).not.toMatch(/<script|<link|src=|https?:\/\//i);
    // Showing the page changes nothing.
    expect((await s.get(payment.id)).status).toBe('REQUIRES_ACTION');
  });

  it.each([
    ['complete', 'CAPTURED', null, 'succeeded', 'authenticated'],
    ['fail', 'FAILED', 'authentication_failed', 'failed', 'failed'],
    ['cancel', 'FAILED', 'payment_cancelled', 'canceled', 'failed'],
  ])('POST %s → %s %s, 302 to return_url with redirect_status=%s; the token is then spent (410, nothing changes)', async (choice, status, failureCode, redirectStatus, result) => {
    const payment = await s.card3ds('4000002760003184', { return_url: 'https://shop.example/return?order=7' });
    const path = pagePath(payment);
    const answer = await choose(path, choice).expect(302);
    const location = new URL(answer.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/return');
    expect(Object.fromEntries(location.searchParams)).toEqual({ order: '7', payment_id: payment.id, redirect_status: redirectStatus });
    const after = await s.get(payment.id);
    expect(after).toMatchObject({ status, failure_code: failureCode, next_action: null });
    expect(after.payment_method.card.three_d_secure).toEqual({ result, flow: 'challenge' });

    const reused = await choose(path, 'complete').expect(410);
    expect(reused.headers['content-type']).toMatch(/^text\/html/);
    expect(reused.text).toContain('expired');
    expect((await app.http.get(path).expect(410)).text).toContain('expired');
    expect(await s.get(payment.id)).toEqual(after);
    // The history has the customer's step (no API key) and nothing after it.
    expect((await s.history(payment.id)).filter((row) => row.startsWith('REQUIRES_ACTION>'))).toHaveLength(1);
  });

  it('a card that declines after authentication redirects with redirect_status=failed', async () => {
    const payment = await s.card3ds('4000008400001629', { return_url: 'http://localhost:3000/done' });
    const answer = await choose(pagePath(payment), 'complete').expect(302);
    expect(new URL(answer.headers.location).searchParams.get('redirect_status')).toBe('failed');
    expect(await s.get(payment.id)).toMatchObject({ status: 'FAILED', failure_code: 'card_declined' });
  });

  it('without return_url the answer is a plain result page', async () => {
    const payment = await s.card3ds('4000000000003220');
    const answer = await choose(pagePath(payment), 'complete').expect(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.text).toContain('<strong id="redirect_status">succeeded</strong>');
    expect((await s.get(payment.id)).status).toBe('CAPTURED');
  });

  it('once THREE_DS_TIMEOUT has passed on the merchant clock the page is expired (410) and the payment abandoned', async () => {
    const merchant = await createMerchant(app.http, '3ds-page-expiry');
    const own = new CustomerSteps(app, merchant);
    const payment = await own.card3ds('4000002760003184');
    const path = pagePath(payment);
    await own.advance('10m');
    expect((await app.http.get(path).expect(410)).text).toContain('expired');
    await choose(path, 'complete').expect(410);
    expect(await own.get(payment.id)).toMatchObject({ status: 'FAILED', failure_code: 'authentication_abandoned' });
  });

  it('a step ended elsewhere (customer-action, merchant cancel) spends the page', async () => {
    const acted = await s.card3ds('4000002760003184');
    await s.act(acted.id, 'approve').expect(200);
    await app.http.get(pagePath(acted)).expect(410);
    const canceled = await s.card3ds('4000002760003184');
    await app.http.post(`/v1/payments/${canceled.id}/cancel`).set(bearer(s.merchant)).send({}).expect(200);
    await choose(pagePath(canceled), 'complete').expect(410);
    expect((await s.get(canceled.id)).status).toBe('CANCELED');
  });

  it('unknown or malformed tokens are the expired page; a bad or unknown form field is 400 naming it', async () => {
    await app.http.get('/v1/3ds/3ds_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(410);
    await app.http.get('/v1/3ds/nonsense').expect(410);
    const payment = await s.card3ds('4000002760003184');
    const bad = await choose(pagePath(payment), 'approve').expect(400);
    expect(bad.body.error).toMatchObject({ code: 'parameter_invalid', param: 'choice' });
    const unknown = await app.http.post(pagePath(payment)).type('form').send('choice=complete&extra=1').expect(400);
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'extra' });
    expect((await s.get(payment.id)).status).toBe('REQUIRES_ACTION');
  });

  it('two concurrent answers to one page: exactly one wins, the other sees the expired page', async () => {
    const payment = await s.card3ds('4000002760003184', { return_url: 'https://shop.example/r' });
    const path = pagePath(payment);
    const answers = await Promise.all([choose(path, 'complete'), choose(path, 'fail'), choose(path, 'cancel')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([302, 410, 410]);
    expect((await s.history(payment.id)).filter((row) => row.startsWith('REQUIRES_ACTION>'))).toHaveLength(1);
    const endings = (await s.eventTypes(payment.id)).filter((type) => type === 'payment.authorized' || type === 'payment.failed');
    expect(endings).toHaveLength(1);
  });
});
