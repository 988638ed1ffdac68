import autocannon from 'autocannon';
import { api, countEvents } from '../api';
import { durationOf, Scenario } from '../options';
import { ClassicResult, ResultBase } from '../report';
import { BenchContext, MeasurementWindow } from './context';

/** The closed-model scenarios (autocannon, --connections for --duration): the same load as before issue 19. */
export const CLASSIC_SCENARIOS = ['create', 'lifecycle', 'read', 'idempotent-replay', 'routing', 'routing-split', 'risk-rules'] as const;
export type ClassicScenario = (typeof CLASSIC_SCENARIOS)[number];

export function isClassic(scenario: Scenario): scenario is ClassicScenario {
  return (CLASSIC_SCENARIOS as readonly string[]).includes(scenario);
}

/** The `risk-rules` scenario: `create` for a merchant with 20 more rules (none matches), the risk cost of rules. */
const BENCH_RISK_RULES = Array.from({ length: 20 }, (_, i) => ({
  action: (['block', 'review', 'allow'] as const)[i % 3],
  predicate: `(:amount_in_usd: > ${100_000 + i} and :card_country: in ('NG', 'RU')) or (:charges_per_ip_hourly: > ${1_000_000 + i} and not :currency: = 'usd')`,
}));

const ROUTING_RULES = [
  { if: { method: ['upi'], country: ['IN'] }, then: { type: 'priority', connectors: ['razorpay_sim'] } },
  { if: { currency: ['EUR'], country: ['DE', 'FR'] }, then: { type: 'priority', connectors: ['adyen_sim', 'stripe_sim'] } },
];

/** `routing-split` (the `routing` scenario before issue 19): the payments match the last rule (USD, a 50/50 split by payment id). */
const BENCH_ROUTING_SPLIT = {
  rules: [
    ...ROUTING_RULES,
    { if: { currency: ['USD'] }, then: { type: 'volume_split', splits: [{ connector: 'adyen_sim', percent: 50 }, { connector: 'stripe_sim', percent: 50 }] } },
  ],
  default: ['stripe_sim'],
  max_attempts: 3,
};

/**
 * `routing`: three connectors in priority order for USD cards — adyen_sim, which fails 10 % of
 * calls technically (HTTP 5xx), then a custom connector, then stripe_sim: a tenth of the payments
 * fall back to the second connector (one failed attempt, a payment.attempt_failed event).
 */
const FALLBACK_CONNECTOR = 'bench_fallback_sim';
const BENCH_ROUTING_FALLBACK = {
  rules: [...ROUTING_RULES, { if: { currency: ['USD'] }, then: { type: 'priority', connectors: ['adyen_sim', FALLBACK_CONNECTOR, 'stripe_sim'] } }],
  default: ['stripe_sim'],
  max_attempts: 3,
};

async function setUp(scenario: ClassicScenario, base: string, key: string): Promise<void> {
  if (scenario === 'routing-split') await api(base, '/v1/routing', { method: 'PUT', key, body: BENCH_ROUTING_SPLIT });
  if (scenario === 'routing') {
    await api(base, '/v1/connectors', { method: 'POST', key, body: { id: FALLBACK_CONNECTOR, methods: ['card'], currencies: ['USD'] } });
    await api(base, '/v1/connectors/adyen_sim', { method: 'PATCH', key, body: { profile: { technical_error_rate: 0.1, technical_error: 'http_5xx' } } });
    await api(base, '/v1/routing', { method: 'PUT', key, body: BENCH_ROUTING_FALLBACK });
  }
  if (scenario === 'risk-rules') for (const rule of BENCH_RISK_RULES) await api(base, '/v1/risk-rules', { method: 'POST', key, body: rule });
}

function requestsFor(scenario: ClassicScenario, paymentId: string): autocannon.Request[] {
  const json = JSON.stringify;
  const createAutomatic = { method: 'POST' as const, path: '/v1/payments', body: json({ amount: 2000, currency: 'usd' }) };
  switch (scenario) {
    case 'create':
    case 'risk-rules':
      return [createAutomatic];
    case 'routing':
    case 'routing-split':
      // An Irish IP: payer country IE, so adyen_sim (EU + GB CH NO) can take the USD payment.
      return [{ ...createAutomatic, body: json({ amount: 2000, currency: 'usd', customer_ip: '2a00:1450:4001:81b::200e' }) }];
    case 'read':
      return [{ method: 'GET', path: `/v1/payments/${paymentId}` }];
    case 'idempotent-replay':
      return [{ ...createAutomatic, headers: { 'Idempotency-Key': 'bench-replay-key' } }];
    case 'lifecycle':
      return [
        {
          method: 'POST',
          path: '/v1/payments',
          body: json({ amount: 10000, currency: 'usd', capture_method: 'manual' }),
          onResponse: (_status: number, body: string, context: Record<string, unknown>) => {
            context.paymentId = (JSON.parse(body) as { id: string }).id;
          },
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({ ...request, path: `/v1/payments/${String((context as { paymentId?: string }).paymentId)}/capture` }),
        },
        {
          method: 'POST',
          body: json({ amount: 4000 }),
          setupRequest: (request, context) => ({ ...request, path: `/v1/payments/${String((context as { paymentId?: string }).paymentId)}/refunds` }),
        },
        {
          method: 'POST',
          setupRequest: (request, context) => ({ ...request, path: `/v1/payments/${String((context as { paymentId?: string }).paymentId)}/refunds` }),
        },
      ] as autocannon.Request[];
  }
}

/** What the ratios compare for each classic scenario. */
export function throughputOf(scenario: ClassicScenario, rps: number): { measure: string; value: number; pgbench: 'create' | null } {
  switch (scenario) {
    case 'read':
    case 'idempotent-replay':
      return { measure: 'req/s', value: rps, pgbench: null };
    case 'lifecycle':
      // Four requests per payment; pgbench mirrors only the create of it.
      return { measure: 'payments/s (4 requests each; pgbench: their create only)', value: Math.round(rps / 4), pgbench: 'create' };
    default:
      return { measure: 'payments/s', value: rps, pgbench: 'create' };
  }
}

export async function runClassic(
  scenario: ClassicScenario,
  ctx: BenchContext,
  base: Omit<ResultBase, 'scenario' | 'timestamp' | 'ratios'>,
): Promise<Omit<ClassicResult, 'ratios'>> {
  const window = await MeasurementWindow.open(ctx, scenario, (key) => setUp(scenario, ctx.base, key));
  const fallbacksBefore = scenario === 'routing' ? await countEvents(ctx.base, window.key, 'payment.attempt_failed') : 0;
  const connections = ctx.options.connections;
  const duration = durationOf(ctx.options, scenario);
  const result = await autocannon({
    url: ctx.base,
    connections,
    duration,
    headers: { Authorization: `Bearer ${window.key}`, 'Content-Type': 'application/json' },
    requests: requestsFor(scenario, window.warmUpPaymentId),
  });
  const { webhooks, sse } = await window.close();
  const fallbacks = scenario === 'routing' ? (await countEvents(ctx.base, window.key, 'payment.attempt_failed')) - fallbacksBefore : undefined;
  return {
    ...base,
    scenario,
    timestamp: new Date().toISOString(),
    connections,
    duration_s: duration,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    webhooks,
    sse,
    ...(fallbacks === undefined ? {} : { fallbacks }),
  };
}
