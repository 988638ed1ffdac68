import { createMerchant, FaultCluster, FaultMerchant, SandboxProcess } from './support/cluster';
import { call, JsonObject, runPool } from './support/http-client';

jest.setTimeout(120_000);

/**
 * Issue 14: the circuit breaker's state is shared by API processes (it lives in Postgres). Two
 * `start:api` processes on one database: failures spread over both open the circuit once, and
 * both then see it open, skip the connector, and see it closed when one of them forces it closed.
 */
describe('circuit breaker shared by two API processes', () => {
  let cluster: FaultCluster;
  let apis: SandboxProcess[];
  let merchant: FaultMerchant;

  beforeAll(async () => {
    cluster = await FaultCluster.start({ redis: false });
    apis = [await cluster.startApi('api'), await cluster.startApi('api')];
    merchant = await createMerchant(apis[0].baseUrl, 'shared breaker');
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  const on = (i: number, method: string, path: string, body?: unknown) => call<JsonObject>(apis[i % 2].baseUrl, method, path, { key: merchant.key, body });
  const circuitSeenBy = async (i: number) => (await on(i, 'GET', '/v1/connectors/stripe_sim/health')).body.circuit;

  it('opens once for failures on both processes; both skip it; a forced close on one is seen by the other', async () => {
    expect((await on(0, 'POST', '/v1/connectors/stripe_sim/outages', { for: '10m' })).status).toBe(201);
    const payments = await runPool(16, 8, (i) => on(i, 'POST', '/v1/payments', { amount: 1000 + i, currency: 'usd' }));
    expect(payments.map((p) => p.status)).toEqual(Array(16).fill(201));
    expect(payments.every((p) => p.body.status === 'FAILED')).toBe(true);

    expect([await circuitSeenBy(0), await circuitSeenBy(1)]).toEqual(['open', 'open']);
    const opened = await on(1, 'GET', '/v1/events?type=connector.circuit_opened');
    expect((opened.body.data as unknown[]).length).toBe(1);
    for (const i of [0, 1]) {
      const skipped = await on(i, 'POST', '/v1/payments', { amount: 500, currency: 'usd' });
      expect(skipped.body).toMatchObject({ status: 'FAILED', failure_code: 'no_connector_available', attempts: [] });
    }

    expect((await on(1, 'DELETE', '/v1/connectors/stripe_sim/outages')).status).toBe(200);
    expect((await on(1, 'POST', '/v1/connectors/stripe_sim/circuit', { state: 'closed' })).status).toBe(200);
    expect(await circuitSeenBy(0)).toBe('closed');
    const ok = await on(0, 'POST', '/v1/payments', { amount: 700, currency: 'usd' });
    expect(ok.body).toMatchObject({ status: 'CAPTURED', connector: 'stripe_sim' });
    expect(((await on(0, 'GET', '/v1/events?type=connector.circuit_closed')).body.data as unknown[]).length).toBe(1);
  });
});
