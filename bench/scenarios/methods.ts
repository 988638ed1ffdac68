import { performance } from 'node:perf_hooks';
import { BenchClient } from '../http-client';
import { durationOf } from '../options';
import { MethodsResult, ResultBase } from '../report';
import { percentiles } from '../stats';
import { BenchContext, MeasurementWindow } from './context';

type Step = keyof MethodsResult['steps_ms'];

/** The two flows: create (waits for the customer), then the test helper approves as the customer would. */
const FLOWS = {
  upi: {
    create: { amount: 49900, currency: 'inr', payment_method: { type: 'upi', upi: { vpa: 'success@sandbox', flow: 'collect' } } },
    waiting: 'PROCESSING',
    steps: ['upi_create', 'upi_approve'] as const,
  },
  three_ds: {
    // A challenge card (DE): REQUIRES_ACTION, then authorized and captured after approve.
    create: { amount: 2000, currency: 'eur', payment_method: { type: 'card', card: { number: '4000002760003184', exp_month: 12, exp_year: 2030 } } },
    waiting: 'REQUIRES_ACTION',
    steps: ['three_ds_create', 'three_ds_approve'] as const,
  },
};

/**
 * `methods`: --connections closed loops for --duration, each running UPI (collect,
 * success@sandbox) and 3-D Secure (challenge card) flows in turn: POST /v1/payments, then
 * POST /v1/payments/:id/customer-action {action: approve}. A flow counts when it ends CAPTURED.
 * Reports flows/s and latency per step.
 */
export async function runMethods(ctx: BenchContext, base: Omit<ResultBase, 'scenario' | 'timestamp' | 'ratios'>): Promise<Omit<MethodsResult, 'ratios'>> {
  const connections = ctx.options.connections;
  const duration = durationOf(ctx.options, 'methods');
  const window = await MeasurementWindow.open(ctx, 'methods');
  const client = new BenchClient(ctx.base, window.key, connections);
  const samples: Record<Step, number[]> = { upi_create: [], upi_approve: [], three_ds_create: [], three_ds_approve: [] };
  const flows = { upi: 0, three_ds: 0, total: 0, not_captured: 0 };
  let non2xx = 0;
  let errors = 0;
  const count = (status: number, expected: number): boolean => {
    if (status === 0) errors++;
    else if (status !== expected) non2xx++;
    return status === expected;
  };

  const start = performance.now();
  const endAt = start + duration * 1000;
  const loop = async (index: number) => {
    for (let turn = index; performance.now() < endAt; turn++) {
      const method = turn % 2 === 0 ? 'upi' : 'three_ds';
      const flow = FLOWS[method];
      const created = await client.send('POST', '/v1/payments', flow.create);
      samples[flow.steps[0]].push(created.ms);
      if (!count(created.status, 201)) continue;
      const payment = JSON.parse(created.body) as { id: string; status: string };
      if (payment.status !== flow.waiting) {
        flows.not_captured++;
        continue;
      }
      const approved = await client.send('POST', `/v1/payments/${payment.id}/customer-action`, { action: 'approve' });
      samples[flow.steps[1]].push(approved.ms);
      if (!count(approved.status, 200)) continue;
      if ((JSON.parse(approved.body) as { status: string }).status === 'CAPTURED') {
        flows[method]++;
        flows.total++;
      } else {
        flows.not_captured++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, index) => loop(index)));
  const seconds = (performance.now() - start) / 1000;
  client.close();

  const { webhooks, sse } = await window.close();
  const steps = Object.fromEntries(
    (Object.keys(samples) as Step[]).map((step) => [step, { ...percentiles(samples[step]), count: samples[step].length }]),
  ) as MethodsResult['steps_ms'];
  return {
    ...base,
    scenario: 'methods',
    timestamp: new Date().toISOString(),
    connections,
    duration_s: duration,
    flows,
    flows_per_s: Math.round(flows.total / seconds),
    steps_ms: steps,
    non_2xx: non2xx,
    errors,
    webhooks,
    sse,
  };
}
