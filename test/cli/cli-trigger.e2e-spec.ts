import { RECIPES } from '../../src/cli/trigger/recipes';
import { runCli, startListeningApp } from '../support/cli';
import { bearer, createMerchant, TestApp, TestMerchant } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

describe('CLI trigger: every event type the sandbox emits, through the built CLI', () => {
  let app: TestApp;
  let url: string;
  let merchant: TestMerchant;
  let receiver: WebhookReceiver;
  const cli = (args: string[]) => runCli(args, { SANDBOX_URL: url, SANDBOX_API_KEY: merchant.key });

  beforeAll(async () => {
    ({ app, url } = await startListeningApp());
    merchant = await createMerchant(app.http);
    receiver = await WebhookReceiver.start();
    await app.http.post('/v1/webhook-endpoints').set(bearer(merchant)).send({ url: receiver.url(), enabled_events: ['*'] }).expect(201);
  });
  afterAll(async () => {
    await receiver.close();
    await app.close();
  });

  it.each(Object.keys(RECIPES))('trigger %s --wait: the event exists and reached the endpoint', async (type) => {
    const run = await cli(['trigger', type, '--wait', '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(run.stdout);
    expect(result.type).toBe(type);
    expect(result.event).toMatchObject({ id: expect.stringMatching(/^evt_/), type });
    expect(result.deliveries).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(receiver.uniqueIds()).toContain(result.event.id);
    const stored = await app.http.get(`/v1/events/${result.event.id}`).set(bearer(merchant)).expect(200);
    expect(stored.body.type).toBe(type);
    if (result.payment_id) expect(stored.body.data.object.id === result.payment_id || stored.body.data.object.payment_id === result.payment_id).toBe(true);
  });

  it('prints the ids in human form', async () => {
    const run = await cli(['trigger', 'refund.succeeded']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^refund\.succeeded evt_\w+\n {2}payment pay_\w+\n {2}refund {2}re_\w+\n$/);
  });

  it('--override changes the request (typed by the schema) and can change the outcome', async () => {
    const run = await cli(['trigger', 'payment.partially_refunded', '--override', 'payment.amount=10000', '--override', 'refund.amount=2500', '--json']);
    expect(run.code).toBe(0);
    const { event } = JSON.parse(run.stdout);
    expect(event.data.object).toMatchObject({ amount: 10000, amount_refunded: 2500, status: 'PARTIALLY_REFUNDED' });

    const declined = await cli(['trigger', 'payment.failed', '--override', 'payment.payment_method.card.number=4000000000009995', '--override', 'payment.simulate=insufficient_funds', '--json']);
    expect(declined.code).toBe(0);
    expect(JSON.parse(declined.stdout).event.data.object.failure_code).toBe('insufficient_funds');

    const metadata = await cli(['trigger', 'payment.captured', '--override', 'metadata.order_id=7', '--json']);
    expect(metadata.code).toBe(0);
    expect(JSON.parse(metadata.stdout).event.data.object.metadata).toEqual({ order_id: '7' });
  });

  it('an override that makes the event impossible fails with exit 1 and says so', async () => {
    const run = await cli(['trigger', 'payment.captured', '--override', 'payment.simulate=card_declined', '--timeout', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the sandbox emitted no payment.captured');
  });

  it('bad input: an unknown field, a non-number, an unknown event type → exit 2 naming the problem', async () => {
    const field = await cli(['trigger', 'payment.captured', '--override', 'payment.amout=5000']);
    expect(field.code).toBe(2);
    expect(field.stderr).toContain('POST /v1/payments has no field "amout" (fields: ');
    const nested = await cli(['trigger', 'refund.failed', '--override', 'payment.payment_method.card.colour=red']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('has no field "payment_method.card.colour" (fields of payment_method.card: number, exp_month, exp_year, cvc)');
    const number = await cli(['trigger', 'payment.captured', '--override', 'payment.amount=lots']);
    expect(number.code).toBe(2);
    expect(number.stderr).toContain('"lots" is not a number');
    const type = await cli(['trigger', 'payment.exploded']);
    expect(type.code).toBe(2);
    expect(type.stderr).toContain('Unknown event type "payment.exploded"');
  });

  it('--wait with no endpoint subscribed fails clearly (exit 1)', async () => {
    const lonely = await createMerchant(app.http);
    const run = await runCli(['trigger', 'payment.captured', '--wait'], { SANDBOX_URL: url, SANDBOX_API_KEY: lonely.key });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No webhook endpoint is subscribed to payment.captured');
  });
});
