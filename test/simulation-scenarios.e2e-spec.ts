import { DataSource } from 'typeorm';
import { isEmbeddedTestMode } from './support/test-env';
import { bearer, createMerchant, startTestApp, TestApp, TestMerchant } from './support/test-app';

const PAYMENT = { amount: 1200, currency: 'usd' };
const CODES = ['success', 'card_declined', 'insufficient_funds', 'expired_card', 'incorrect_cvc', 'processing_error', 'fraud_detected', 'bank_error'];

describe('simulation scenarios: ordered outcomes (e2e)', () => {
  let app: TestApp;
  let db: DataSource;
  let merchant: TestMerchant;
  let other: TestMerchant;
  let tag = 0;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.sandbox.app.get(DataSource);
    merchant = await createMerchant(app.http, 'scenarios');
    other = await createMerchant(app.http, 'scenarios-other');
  }, 60_000);

  afterAll(async () => {
    await app.close();
  });

  /** A metadata pair unique to one test, so its scenario matches only that test's payments. */
  const uniqueCase = () => ({ test_case: `case-${++tag}` });

  const scenario = (body: Record<string, unknown>, who: TestMerchant = merchant) => app.http.post('/v1/simulation-scenarios').set(bearer(who)).send(body);
  const pay = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.http.post('/v1/payments').set(bearer(merchant)).set(headers).send({ ...PAYMENT, ...body });

  /** What the client saw: the failure code, 'success', or the fault's HTTP status. */
  function seen(response: { status: number; body: { status?: string; failure_code?: string | null } }): string {
    if (response.status !== 201) return String(response.status);
    return response.body.status === 'FAILED' ? String(response.body.failure_code) : 'success';
  }

  /** The scenario ids the API lists for the merchant (what a client would check). */
  async function listedScenarios(): Promise<string[]> {
    const response = await app.http.get('/v1/simulation-scenarios?limit=100').set(bearer(merchant)).expect(200);
    return response.body.data.map((item: { id: string }) => item.id);
  }

  async function scenarioCount(who: TestMerchant): Promise<number> {
    const [row] = await db.query('SELECT count(*)::int AS n FROM simulation_scenarios WHERE merchant_id = $1', [who.id]);
    return row.n;
  }

  describe('create, list, get, delete', () => {
    it('creates, lists, retrieves and deletes a scenario; another merchant sees 404', async () => {
      const created = await scenario({ match: { card_last4: '4242', customer_email: 'QA@Example.com' }, outcomes: ['api_error', 'success'], then: 'cycle' }).expect(201);
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^scn_/),
        object: 'simulation_scenario',
        match: { card_last4: '4242', customer_email: 'qa@example.com' },
        outcomes: ['api_error', 'success'],
        then: 'cycle',
        consumed: 0,
        next_outcome: 'api_error',
      });
      const id = created.body.id;
      const [row] = await db.query('SELECT merchant_id, match_card_last4, match_customer_email, match_metadata, outcomes, then_mode, consumed FROM simulation_scenarios WHERE id = $1', [id]);
      expect(row).toEqual({
        merchant_id: merchant.id,
        match_card_last4: '4242',
        match_customer_email: 'qa@example.com',
        match_metadata: null,
        outcomes: ['api_error', 'success'],
        then_mode: 'cycle',
        consumed: 0,
      });
      await app.http.get(`/v1/simulation-scenarios/${id}`).set(bearer(merchant)).expect(200);
      const list = await app.http.get('/v1/simulation-scenarios').set(bearer(merchant)).expect(200);
      expect(list.body.data.map((item: { id: string }) => item.id)).toContain(id);
      const foreign = await app.http.get(`/v1/simulation-scenarios/${id}`).set(bearer(other)).expect(404);
      expect(foreign.body.error.code).toBe('resource_missing');
      await app.http.delete(`/v1/simulation-scenarios/${id}`).set(bearer(other)).expect(404);
      const deleted = await app.http.delete(`/v1/simulation-scenarios/${id}`).set(bearer(merchant)).expect(200);
      expect(deleted.body).toEqual({ id, object: 'simulation_scenario', deleted: true });
      await app.http.get(`/v1/simulation-scenarios/${id}`).set(bearer(merchant)).expect(404);
      expect(await db.query('SELECT id FROM simulation_scenarios WHERE id = $1', [id])).toEqual([]);
    });

    it.each([
      ['no outcomes', { match: { card_last4: '4242' }, outcomes: [] }, 'outcomes'],
      ['101 outcomes', { match: { card_last4: '4242' }, outcomes: Array(101).fill('success') }, 'outcomes'],
      ['an unknown outcome', { match: { card_last4: '4242' }, outcomes: ['success', 'meteor_strike'] }, 'outcomes'],
      ['a match on nothing', { match: {}, outcomes: ['success'] }, 'match'],
      ['an empty metadata match', { match: { metadata: {} }, outcomes: ['success'] }, 'match.metadata'],
      ['no match', { outcomes: ['success'] }, 'match'],
      ['a bad last4', { match: { card_last4: '42a2' }, outcomes: ['success'] }, 'match.card_last4'],
      ['an unknown match field', { match: { card_last4: '4242', brand: 'visa' }, outcomes: ['success'] }, 'match.brand'],
      ['an unknown then', { match: { card_last4: '4242' }, outcomes: ['success'], then: 'forever' }, 'then'],
      ['an unknown field', { match: { card_last4: '4242' }, outcomes: ['success'], loop: true }, 'loop'],
      ['outcomes not an array', { match: { card_last4: '4242' }, outcomes: 'success' }, 'outcomes'],
      ['a refund-only outcome', { match: { card_last4: '4242' }, outcomes: ['fail_later'] }, 'outcomes'],
      ['a match of nulls only', { match: { card_last4: null, customer_email: null, metadata: null }, outcomes: ['success'] }, 'match'],
      ['a match that is not an object', { match: '4242', outcomes: ['success'] }, 'match'],
      ['an empty email match', { match: { customer_email: '' }, outcomes: ['success'] }, 'match.customer_email'],
      ['a metadata match with a number', { match: { metadata: { attempt: 3 } }, outcomes: ['success'] }, 'match.metadata'],
    ])('%s → 400 with param, nothing stored', async (_label, body, param) => {
      const before = await scenarioCount(merchant);
      const listed = await listedScenarios();
      const response = await scenario(body).expect(400);
      expect(response.body.error).toMatchObject({ code: expect.stringMatching(/^parameter_(invalid|missing|unknown)$/), param });
      expect(await scenarioCount(merchant)).toBe(before);
      expect(await listedScenarios()).toEqual(listed);
    });

    it('an unknown outcome name → 400 listing every valid outcome (business and fault vocabularies)', async () => {
      const response = await scenario({ match: { card_last4: '4242' }, outcomes: ['api_eror'] }).expect(400);
      expect(response.body.error.param).toBe('outcomes');
      for (const value of [...CODES, 'network_timeout', 'api_error', 'service_unavailable', 'connection_reset', 'lost_response']) {
        expect(response.body.error.message).toContain(value);
      }
    });

    it('a scenario create is idempotent (same key → the same scenario, one row)', async () => {
      const body = { match: { metadata: uniqueCase() }, outcomes: ['success'] };
      const first = await scenario(body).set('Idempotency-Key', `scn-${tag}`).expect(201);
      const again = await scenario(body).set('Idempotency-Key', `scn-${tag}`).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const rows = await db.query(`SELECT id FROM simulation_scenarios WHERE match_metadata = $1::jsonb`, [JSON.stringify(body.match.metadata)]);
      expect(rows).toHaveLength(1);
    });
  });

  describe('consumption', () => {
    it('hands out outcomes in order, then repeats the last; non-matching creates take none', async () => {
      const metadata = uniqueCase();
      const created = await scenario({ match: { metadata }, outcomes: ['api_error', 'card_declined', 'success'], then: 'repeat_last' }).expect(201);
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) outcomes.push(seen(await pay({ metadata: { ...metadata, extra: String(i) } })));
      expect(outcomes).toEqual(['500', 'card_declined', 'success', 'success', 'success']);
      expect(seen(await pay({ metadata: { test_case: 'unrelated' } }))).toBe('success');
      const view = await app.http.get(`/v1/simulation-scenarios/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(view.body).toMatchObject({ consumed: 5, next_outcome: 'success' });
      const stored = await db.query(`SELECT status, failure_code FROM payments WHERE metadata->>'test_case' = $1 ORDER BY id`, [metadata.test_case]);
      expect(stored).toEqual([
        { status: 'FAILED', failure_code: 'card_declined' },
        { status: 'CAPTURED', failure_code: null },
        { status: 'CAPTURED', failure_code: null },
        { status: 'CAPTURED', failure_code: null },
      ]);
    });

    it('cycle starts over; matches on card last4 and customer email together', async () => {
      const email = `cycle-${++tag}@example.com`;
      await scenario({ match: { card_last4: '4242', customer_email: email }, outcomes: ['card_declined', 'success'], then: 'cycle' }).expect(201);
      const outcomes: string[] = [];
      for (let i = 0; i < 5; i++) outcomes.push(seen(await pay({ customer_email: email.toUpperCase() })));
      expect(outcomes).toEqual(['card_declined', 'success', 'card_declined', 'success', 'card_declined']);
      // Same email, another card: not a match (every criterion must hold).
      const otherCard = { type: 'card', card: { number: '4000000000000077', exp_month: 12, exp_year: new Date().getUTCFullYear() + 2 } };
      expect(seen(await pay({ customer_email: email, payment_method: otherCard }))).toBe('success');
    });

    it('an explicit simulate (body or header) wins and takes no outcome', async () => {
      const metadata = uniqueCase();
      const created = await scenario({ match: { metadata }, outcomes: ['fraud_detected'] }).expect(201);
      expect(seen(await pay({ metadata, simulate: 'success' }))).toBe('success');
      expect(seen(await pay({ metadata }, { 'Sandbox-Simulate': 'bank_error' }))).toBe('bank_error');
      const view = await app.http.get(`/v1/simulation-scenarios/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(view.body.consumed).toBe(0);
    });

    it('an idempotent replay takes no outcome; a retry after a fault takes the next one (succeeds on the third try)', async () => {
      const metadata = uniqueCase();
      const created = await scenario({ match: { metadata }, outcomes: ['api_error', 'service_unavailable', 'success', 'card_declined'] }).expect(201);
      const key = `third-try-${tag}`;
      const attempts: string[] = [];
      for (let i = 0; i < 3; i++) attempts.push(seen(await pay({ metadata }, { 'Idempotency-Key': key })));
      expect(attempts).toEqual(['500', '503', 'success']);
      const replay = await pay({ metadata }, { 'Idempotency-Key': key }).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const view = await app.http.get(`/v1/simulation-scenarios/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(view.body).toMatchObject({ consumed: 3, next_outcome: 'card_declined' });
      const [row] = await db.query(`SELECT count(*)::int AS n FROM payments WHERE metadata->>'test_case' = $1`, [metadata.test_case]);
      expect(row.n).toBe(1);
    });

    it('a scripted fault that commits nothing leaves no trace: its payment is not counted by risk velocity', async () => {
      const fresh = await createMerchant(app.http, 'scenarios-velocity');
      const card = { number: '5555555555554444', exp_month: 12, exp_year: 2099 };
      await scenario({ match: { card_last4: '4444' }, outcomes: ['api_error', 'service_unavailable', 'success'] }, fresh).expect(201);
      const allow = await app.http.post('/v1/risk-rules').set(bearer(fresh)).send({ action: 'allow', predicate: ':charges_per_card_hourly: = 1' }).expect(201);
      const create = () => app.http.post('/v1/payments').set(bearer(fresh)).send({ ...PAYMENT, payment_method: { type: 'card', card } });
      expect((await create()).status).toBe(500);
      expect((await create()).status).toBe(503);
      const paid = await create().expect(201);
      // Counted once (this payment): the two faults before it were not.
      expect(paid.body.outcome.rule).toMatchObject({ id: allow.body.id });
      const [events] = await db.query(`SELECT count(*)::int AS n FROM risk_velocity_events WHERE merchant_id = $1 AND dimension = 'card'`, [fresh.id]);
      expect(events.n).toBe(1);
    });

    it('a create refused for bad input (unknown currency) takes no outcome', async () => {
      const metadata = uniqueCase();
      const created = await scenario({ match: { metadata }, outcomes: ['card_declined'] }).expect(201);
      const refused = await pay({ metadata, currency: 'xyz' }).expect(400);
      expect(refused.body.error).toMatchObject({ code: 'parameter_invalid', param: 'currency' });
      const view = await app.http.get(`/v1/simulation-scenarios/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(view.body.consumed).toBe(0);
    });

    it('another merchant never consumes this merchant\'s scenario', async () => {
      const metadata = uniqueCase();
      const created = await scenario({ match: { metadata }, outcomes: ['card_declined'] }).expect(201);
      const response = await app.http.post('/v1/payments').set(bearer(other)).send({ ...PAYMENT, metadata }).expect(201);
      expect(response.body.status).toBe('CAPTURED');
      const view = await app.http.get(`/v1/simulation-scenarios/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(view.body.consumed).toBe(0);
    });

    it('concurrent matching creates take distinct positions, none twice', async () => {
      const count = isEmbeddedTestMode() ? 20 : 50;
      const metadata = uniqueCase();
      // Position i gets CODES[i % 8]: the multiset of outcomes seen must equal the multiset scripted.
      const outcomes = Array.from({ length: count }, (_, i) => CODES[(i * 3) % CODES.length]);
      const created = await scenario({ match: { metadata }, outcomes, then: 'repeat_last' }).expect(201);
      const responses = await Promise.all(Array.from({ length: count }, () => pay({ metadata })));
      const seenOutcomes = responses.map(seen).sort();
      expect(seenOutcomes).toEqual([...outcomes].sort());
      const view = await app.http.get(`/v1/simulation-scenarios/${created.body.id}`).set(bearer(merchant)).expect(200);
      expect(view.body.consumed).toBe(count);
      const stored = await db.query(
        `SELECT coalesce(failure_code, 'success') AS code FROM payments WHERE merchant_id = $1 AND metadata->>'test_case' = $2`,
        [merchant.id, metadata.test_case],
      );
      expect(stored.map((row: { code: string }) => row.code).sort()).toEqual([...outcomes].sort());
    }, 60_000);
  });
});
